# SPDX-License-Identifier: GPL-2.0
# bash completion for gwctl(8); installed by "make install" as
# $(PREFIX)/share/bash-completion/completions/gwctl.

_gwctl()
{
	local cur prev words cword
	_init_completion || return

	local objects="status version stats iface rule conn set get overload block never-block load save monitor doctor explain top trace help"
	local i obj="" objidx=0
	for ((i = 1; i < cword; i++)); do
		case ${words[i]} in
		-*) ;;
		*) obj=${words[i]}; objidx=$i; break ;;
		esac
	done

	if [[ -z $obj ]]; then
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "-j --json -b --batch -h --help -V --version" -- "$cur"))
		elif [[ $prev == -b || $prev == --batch ]]; then
			_filedir
		else
			COMPREPLY=($(compgen -W "$objects" -- "$cur"))
		fi
		return
	fi

	local verb=${words[objidx + 1]}
	# the module's own names when it is loaded (gwctl get), else this list
	local tunables
	tunables=$(gwctl -j get 2>/dev/null | sed -n 's/.*"tunables":{//p' | grep -o '"[a-z_0-9]*":{' | tr -d '":{')
	[[ -n $tunables ]] || tunables="tcp_syn_sent tcp_syn_recv tcp_established tcp_fin_wait tcp_close_wait tcp_last_ack tcp_time_wait tcp_close max_flows tcp_pickup udp_unreplied udp_stream icmp other early_drop max_halfopen max_halfopen_dst halfopen_adaptive_start halfopen_adaptive_end halfopen_reset_rate max_src_conn max_src_conn_rate max_src_conn_rate_seconds overload_timeout overload_flush max_block_entries reload_policy max_inbound_share scan_action scan_threshold scan_delay_ms scan_weight_low scan_weight_high scan_block_seconds scan_block_max_seconds trace_size trace_rate drop_event_rate log_drops log_rate log_group flow_event_rate"
	case $obj in
	iface)
		case $((cword - objidx)) in
		1) COMPREPLY=($(compgen -W "add del list" -- "$cur")) ;;
		2) [[ $verb == add || $verb == del ]] &&
			COMPREPLY=($(compgen -W "$(ls /sys/class/net 2>/dev/null)" -- "$cur")) ;;
		3) [[ $verb == add ]] && COMPREPLY=($(compgen -W "wan lan" -- "$cur")) ;;
		esac
		;;
	rule)
		if ((cword - objidx == 1)); then
			COMPREPLY=($(compgen -W "add del flush list" -- "$cur"))
		elif [[ $verb == list ]] && ((cword - objidx == 2)); then
			COMPREPLY=($(compgen -W "--reset" -- "$cur"))
		elif [[ $verb == add ]]; then
			case $prev in
			add) COMPREPLY=($(compgen -W "allow" -- "$cur")) ;;
			allow) COMPREPLY=($(compgen -W "tcp udp icmp icmpv6 proto" -- "$cur")) ;;
			on) COMPREPLY=($(compgen -W "$(ls /sys/class/net 2>/dev/null)" -- "$cur")) ;;
			from | to | port | rate | comment | proto | max-src-conn | max-src-conn-rate) ;;
			synproxy) COMPREPLY=($(compgen -W "auto off from to port on rate comment max-src-conn max-src-conn-rate log" -- "$cur")) ;;
			*) COMPREPLY=($(compgen -W "from to port on rate comment echo max-src-conn max-src-conn-rate synproxy log" -- "$cur")) ;;
			esac
		fi
		;;
	conn)
		if ((cword - objidx == 1)); then
			COMPREPLY=($(compgen -W "list count flush" -- "$cur"))
		else
			case $prev in
			proto) COMPREPLY=($(compgen -W "tcp udp icmp icmpv6" -- "$cur")) ;;
			state) COMPREPLY=($(compgen -W "SYN_SENT SYN_RECV ESTABLISHED FIN_WAIT CLOSE_WAIT LAST_ACK TIME_WAIT CLOSE SYN_SENT2" -- "$cur")) ;;
			src | dst) ;;
			*) COMPREPLY=($(compgen -W "src dst proto state -v" -- "$cur")) ;;
			esac
		fi
		;;
	stats)
		[[ $prev == -[rc] ]] || COMPREPLY=($(compgen -W "-a -j -r -c --reset" -- "$cur"))
		;;
	overload)
		if ((cword - objidx == 1)); then
			COMPREPLY=($(compgen -W "list del" -- "$cur"))
		elif [[ $verb == del ]] && ((cword - objidx == 2)); then
			COMPREPLY=($(compgen -W "all $(gwctl -j overload list 2>/dev/null | grep -o '"source":"[^"]*"' | cut -d'"' -f4)" -- "$cur"))
		fi
		;;
	save)
		COMPREPLY=($(compgen -W "-a" -- "$cur"))
		;;
	top)
		[[ $prev == -[dn] ]] || COMPREPLY=($(compgen -W "-d -n -j" -- "$cur"))
		;;
	doctor)
		[[ $prev == -f ]] && _filedir || COMPREPLY=($(compgen -W "-f" -- "$cur"))
		;;
	block | never-block)
		if ((cword - objidx == 1)); then
			COMPREPLY=($(compgen -W "add del flush list" -- "$cur"))
		elif [[ $obj == block && $verb == add ]] && ((cword - objidx == 3)); then
			COMPREPLY=($(compgen -W "timeout" -- "$cur"))
		fi
		;;
	set | get)
		if ((cword - objidx == 1)); then
			COMPREPLY=($(compgen -W "$tunables" -- "$cur"))
		elif [[ $obj == set && $prev == tcp_pickup ]]; then
			COMPREPLY=($(compgen -W "strict loose" -- "$cur"))
		elif [[ $obj == set && $prev == reload_policy ]]; then
			COMPREPLY=($(compgen -W "expire close" -- "$cur"))
		elif [[ $obj == set && $prev == scan_action ]]; then
			COMPREPLY=($(compgen -W "log block" -- "$cur"))
		fi
		;;
	load)
		[[ $cur == -* ]] && COMPREPLY=($(compgen -W "-c -n" -- "$cur")) || _filedir
		;;
	explain)
		if ((cword - objidx == 1)); then
			COMPREPLY=($(compgen -W "tcp udp icmp icmpv6 proto" -- "$cur"))
		else
			case $prev in
			in | out) COMPREPLY=($(compgen -W "$(ls /sys/class/net 2>/dev/null)" -- "$cur")) ;;
			flags) COMPREPLY=($(compgen -W "S SA A PA FA R RA none" -- "$cur")) ;;
			type) COMPREPLY=($(compgen -W "echo-request echo-reply" -- "$cur")) ;;
			from | to | port | seq | ack | code | id | proto) ;;
			*) COMPREPLY=($(compgen -W "from to port in out flags seq ack type code id" -- "$cur")) ;;
			esac
		fi
		;;
	trace)
		case $prev in
		reason | from) ;;
		*) COMPREPLY=($(compgen -W "reason from" -- "$cur")) ;;
		esac
		;;
	monitor)
		if [[ ${words[objidx + 1]:-} == drops ]] && ((cword - objidx > 1)); then
			case $prev in
			reason | from) ;;
			*) COMPREPLY=($(compgen -W "reason from" -- "$cur")) ;;
			esac
			return
		fi
		[[ ${words[objidx + 1]:-} == flows ]] && ((cword - objidx > 1)) && return
		COMPREPLY=($(compgen -W "drops flows all rule rule-added rule-deleted rules-flushed policy-loaded zone zone-set zone-deleted tunable-set block block-added block-deleted block-flushed block-released synproxy synproxy-engaged synproxy-disengaged scan scan-detected scan-blocked" -- "$cur"))
		;;
	esac
} &&
	complete -F _gwctl gwctl
