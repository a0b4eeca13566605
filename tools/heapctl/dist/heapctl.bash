# SPDX-License-Identifier: GPL-2.0
# bash completion for heapctl(8): commands, options, heap names, CMA
# areas and NUMA policies.

_heapctl_heaps()
{
	local d=${HEAPCTL_ROOT:-}/sys/kernel/config/chunk_heap
	[ -d "$d" ] && (cd "$d" && for h in *; do [ -d "$h" ] && echo "$h"; done)
}

_heapctl()
{
	local cur prev words cword cmd i
	_init_completion || return

	for ((i = 1; i < cword; i++)); do
		case ${words[i]} in
		-r | --root) ((i++)) ;;
		-*) ;;
		*) cmd=${words[i]}; break ;;
		esac
	done

	case $prev in
	-r | --root) _filedir -d; return ;;
	-a | --area)
		COMPREPLY=($(compgen -W "$(ls "${HEAPCTL_ROOT:-}/sys/kernel/mm/cma" 2>/dev/null)" -- "$cur"))
		return ;;
	-p | --numa-policy)
		COMPREPLY=($(compgen -W "default off local bind interleave" -- "$cur"))
		return ;;
	-o | --order | -c | --chunk-size | -m | --max | -P | --pool | --count | -H | --hold)
		return ;;
	esac

	if [ -z "$cmd" ]; then
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "--root --version --help" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "list show create set enable disable destroy
				clear areas numa alloc save restore" -- "$cur"))
		fi
		return
	fi

	case $cmd in
	list | areas) COMPREPLY=($(compgen -W "--json --help" -- "$cur")) ;;
	show) COMPREPLY=($(compgen -W "--json --help $(_heapctl_heaps)" -- "$cur")) ;;
	enable | disable | destroy)
		COMPREPLY=($(compgen -W "--help $(_heapctl_heaps)" -- "$cur")) ;;
	create)
		COMPREPLY=($(compgen -W "--area --order --chunk-size --max --numa-policy
			--enable --help" -- "$cur")) ;;
	set)
		COMPREPLY=($(compgen -W "--max --numa-policy --pool --help
			$(_heapctl_heaps)" -- "$cur")) ;;
	numa)
		COMPREPLY=($(compgen -W "--json --help off local bind interleave" -- "$cur")) ;;
	alloc)
		COMPREPLY=($(compgen -W "--count --hold --verify --help
			$(ls /dev/dma_heap 2>/dev/null)" -- "$cur")) ;;
	save | restore)
		if [[ $cur == -* ]]; then
			[ "$cmd" = restore ] && COMPREPLY=($(compgen -W "--force --dry-run --help" -- "$cur"))
			[ "$cmd" = save ] && COMPREPLY=($(compgen -W "--help" -- "$cur"))
		else
			_filedir json
		fi ;;
	clear) COMPREPLY=($(compgen -W "--help" -- "$cur")) ;;
	esac
}
complete -F _heapctl heapctl
