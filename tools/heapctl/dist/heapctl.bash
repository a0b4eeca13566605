# SPDX-License-Identifier: GPL-2.0
# bash completion for heapctl(8): commands, options, heap names, CMA
# areas and NUMA policies. Heaps, areas and devices are looked up under
# the --root (-r) given on the command line, else $HEAPCTL_ROOT, as
# heapctl itself does.

# _heapctl_heaps ROOT: the heap names (directories) under ROOT's configfs.
_heapctl_heaps()
{
	local d=$1/sys/kernel/config/chunk_heap h
	[ -d "$d" ] || return
	for h in "$d"/*; do
		[ -d "$h" ] && echo "${h##*/}"
	done
}

# _heapctl_ls DIR: the entries of DIR.
_heapctl_ls()
{
	local f
	[ -d "$1" ] || return
	for f in "$1"/*; do
		[ -e "$f" ] && echo "${f##*/}"
	done
}

_heapctl()
{
	local cur prev words cword cmd cmdi i root=${HEAPCTL_ROOT:-} nargs=0
	# Keep --root=DIR one word.
	_init_completion -n = || return

	for ((i = 1; i < cword; i++)); do
		case ${words[i]} in
		-r | --root)
			((i + 1 < cword)) && root=${words[i + 1]}
			((i++)) ;;
		--root=*) root=${words[i]#--root=} ;;
		-r?*) root=${words[i]#-r} ;;
		-*) ;;
		*) cmd=${words[i]}; cmdi=$i; break ;;
		esac
	done
	[[ $root == \~* ]] && root=$HOME${root#\~}

	case $prev in
	-r | --root) _filedir -d; return ;;
	-a | --area)
		COMPREPLY=($(compgen -W "$(_heapctl_ls "$root/sys/kernel/mm/cma")" -- "$cur"))
		return ;;
	-p | --numa-policy)
		COMPREPLY=($(compgen -W "default off local bind interleave" -- "$cur"))
		return ;;
	-R | --record | --recorded) _filedir; return ;;
	-o | --output)
		# list, areas, buffers and top: the columns their help lists.
		[ "$cmd" = create ] && return
		local cols
		cols=$(heapctl "$cmd" --help 2>/dev/null | sed -n 's/^columns: //p' | tr 'A-Z' 'a-z')
		COMPREPLY=($(compgen -W "$cols" -- "${cur##*,}"))
		return ;;
	--order | -c | --chunk-size | -m | --max | -P | --pool | -M | --pool-min | --count | \
	-H | --hold | -i | --interval)
		return ;;
	esac

	if [ -z "$cmd" ]; then
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "--root --json --pretty --version --help" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "list show status buffers top create set enable
				disable destroy clear areas numa alloc save restore" -- "$cur"))
		fi
		return
	fi

	# The arguments after the command, less options and their values.
	for ((i = cmdi + 1; i < cword; i++)); do
		case ${words[i]} in
		-m | --max | -p | --numa-policy | -P | --pool | -M | --pool-min | -a | --area | \
		-o | --order | -c | --chunk-size | --count | -H | --hold | -R | --record | --recorded | \
		--output | -i | --interval)
			((i++)) ;;
		-*) ;;
		*) ((nargs++)) ;;
		esac
	done

	# show, enable, disable, destroy and set take one NAME.
	local names=
	case $cmd in
	show | enable | disable | destroy | set)
		((nargs == 0)) && [[ $cur != -* ]] && names=$(_heapctl_heaps "$root") ;;
	esac

	case $cmd in
	list | areas)
		COMPREPLY=($(compgen -W "--json --pretty --output --noheadings --bytes
			--help" -- "$cur")) ;;
	status) COMPREPLY=($(compgen -W "--json --pretty --help" -- "$cur")) ;;
	buffers | top)
		local opts="--json --pretty --output --noheadings --bytes --help"
		[ "$cmd" = top ] && opts+=" --interval --count"
		# buffers takes one NAME, top any number.
		{ [ "$cmd" = top ] || ((nargs == 0)); } && [[ $cur != -* ]] &&
			opts+=" $(_heapctl_heaps "$root")"
		COMPREPLY=($(compgen -W "$opts" -- "$cur")) ;;
	show) COMPREPLY=($(compgen -W "--json --pretty --help $names" -- "$cur")) ;;
	enable | disable | destroy)
		COMPREPLY=($(compgen -W "--help $names" -- "$cur")) ;;
	create)
		COMPREPLY=($(compgen -W "--area --order --chunk-size --max --numa-policy
			--enable --help" -- "$cur")) ;;
	set)
		COMPREPLY=($(compgen -W "--max --numa-policy --pool --pool-min --help $names" \
			-- "$cur")) ;;
	numa)
		COMPREPLY=($(compgen -W "--json --pretty --help off local bind interleave" -- "$cur")) ;;
	alloc)
		local devs=
		((nargs == 0)) && [[ $cur != -* ]] && devs=$(_heapctl_ls "$root/dev/dma_heap")
		COMPREPLY=($(compgen -W "--count --hold --verify --json --help $devs" -- "$cur")) ;;
	save | restore)
		if [[ $cur == -* ]]; then
			[ "$cmd" = restore ] &&
				COMPREPLY=($(compgen -W "--force --dry-run --record --help" -- "$cur"))
			[ "$cmd" = save ] && COMPREPLY=($(compgen -W "--help" -- "$cur"))
		elif ((nargs == 0)); then
			_filedir json
		fi ;;
	clear) COMPREPLY=($(compgen -W "--recorded --help" -- "$cur")) ;;
	esac
}
complete -F _heapctl heapctl
