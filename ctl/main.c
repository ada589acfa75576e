// SPDX-License-Identifier: GPL-2.0
/*
 * gwctl: control tool of the gatewarden firewall module.
 * Global options, then "OBJECT [COMMAND] [ARGUMENTS]" as in iproute2.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gwctl.h"
#include "nl.h"
#include "print.h"
#include "rulefile.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: gwctl [-j] OBJECT [COMMAND] [ARGUMENTS]\n"
		"       gwctl [-j] -b FILE|-\n"
		"       gwctl -h | -V\n"
		"\n"
		"  status                        module, zones, rules, flows, non-zero counters\n"
		"  version                       tool and module versions\n"
		"  stats [-a] [--reset]          the counters not zero (-a: all of them);\n"
		"                                --reset: and zero them\n"
		"  stats [-a] -r SECONDS [-c COUNT]\n"
		"                                their rates, every SECONDS, until Ctrl-C\n"
		"                                or COUNT samples\n"
		"  top [-d SECONDS] [-n COUNT] [-j]\n"
		"                                live view: packets, drops by reason, flows,\n"
		"                                rules by hits; q quits; -j: JSON samples\n"
		"  iface add DEV wan|lan         put DEV in a zone\n"
		"  iface del DEV                 forget DEV's zone (it is lan again)\n"
		"  iface [list]\n"
		"  rule add allow PROTO [from PREFIX] [to PREFIX] [port PORTS]\n"
		"                 [on DEV] [comment TEXT]\n"
		"                 [max-src-conn N] [max-src-conn-rate N/S] [synproxy [auto|off]] (tcp)\n"
		"  rule add allow icmp|icmpv6 echo [rate N/s] [from ...] ...\n"
		"  rule del HANDLE\n"
		"  rule flush\n"
		"  rule [list [--reset]]         --reset: and zero their counters\n"
		"  conn [list [-v] [FILTER]]     flows; -v: each side's TCP window state\n"
		"  conn count|flush [FILTER]\n"
		"  set NAME VALUE                change a tunable (tcp_pickup strict|loose)\n"
		"  get [NAME]                    show all tunables, or one's value\n"
		"  overload [list]               sources shut out by max-src-conn(-rate)\n"
		"  overload del ADDRESS|all      let them in again\n"
		"  block add PREFIX [timeout SECONDS]\n"
		"                                drop everything from PREFIX (and cut its flows)\n"
		"  block del PREFIX | flush | [list]\n"
		"  never-block add|del PREFIX    never block or overload PREFIX\n"
		"  never-block flush | [list]\n"
		"  load [-c|-n] FILE|-           replace the whole policy with a rule file's,\n"
		"                                atomically; -c: only check it (with the\n"
		"                                module); -n: only its syntax (no module)\n"
		"  save [-a]                     print the running policy as a rule file;\n"
		"                                -a: with the tunables at their defaults\n"
		"  doctor [-f FILE]              check the host around the firewall; exit 1\n"
		"                                when it finds something (FILE: the policy\n"
		"                                to compare, /etc/gatewarden/gatewarden.rules)\n"
		"  monitor [EVENT...]            print change events as they happen (rule,\n"
		"                                zone, policy-loaded, tunable-set, ...)\n"
		"  monitor drops [TRACE_FILTER]  print dropped packets as they happen\n"
		"                                (at most drop_event_rate a second)\n"
		"  trace [TRACE_FILTER]          the last trace_size drops, oldest first\n"
		"  monitor flows                 print flows as they are created, change TCP\n"
		"                                state and end, and why they ended\n"
		"  explain PACKET                what the module would do with PACKET, and why;\n"
		"                                exit 0 if it would pass, 3 if dropped\n"
		"\n"
		"  PROTO  := tcp | udp | icmp | icmpv6 | proto NUMBER\n"
		"  PREFIX := A.B.C.D[/LEN] | X:X::X[/LEN]\n"
		"  PORTS  := P[-Q][,P[-Q]]...   at most %d ranges\n"
		"  FILTER := [src ADDR] [dst ADDR] [proto PROTO] [state TCP_STATE]\n"
		"  TRACE_FILTER := [reason REASON] [from PREFIX]   (REASON: drop_udp_probe, ...)\n"
		"  PACKET := PROTO from ADDR [port P] to ADDR [port P] in|out DEV\n"
		"            [flags S|SA|A|...] [seq N] [ack N] (tcp)\n"
		"            [type N|echo-request|echo-reply] [code N] [id N] (icmp, icmpv6)\n"
		"\n"
		"Options:\n"
		"  -j, --json     JSON output\n"
		"  -b, --batch FILE  run one command a line from FILE (- : stdin);\n"
		"                 stop at the first that fails\n"
		"  -h, --help     this text\n"
		"  -V, --version  the tool's version\n"
		"\n"
		"Exit status: 0 success, 1 usage error or a bad rule file, 2 refused by the kernel\n"
		"or netlink failure, 3 explain: the packet would be dropped.\n",
		GW_RULE_MAX_PORT_RANGES);
}

int gw_usage_error(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("Error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return GW_EXIT_USAGE;
}

int gw_check_end(int argc, char **argv)
{
	if (argc > 0)
		return gw_usage_error("unexpected argument \"%s\".", argv[0]);
	return GW_EXIT_OK;
}

/* Without a command, an object lists itself, as "ip route" does. */
int gw_dispatch(const char *object, const struct gw_verb *verbs, size_t nverbs,
		int argc, char **argv)
{
	const char *verb = argc > 0 ? argv[0] : "list";
	char names[128] = "";
	size_t i, len = 0;

	for (i = 0; i < nverbs; i++) {
		if (!strcmp(verbs[i].name, verb))
			return verbs[i].fn(argc > 0 ? argc - 1 : 0, argv + (argc > 0));
	}
	for (i = 0; i < nverbs && len < sizeof(names); i++)
		len += snprintf(names + len, sizeof(names) - len, "%s%s",
				i ? ", " : "", verbs[i].name);
	return gw_usage_error("unknown %s command \"%s\" (try %s).", object, verb, names);
}

static int do_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	usage(stdout);
	return GW_EXIT_OK;
}

static const struct gw_verb objects[] = {
	{ "status",	do_status },
	{ "version",	do_version },
	{ "stats",	do_stats },
	{ "iface",	do_iface },
	{ "rule",	do_rule },
	{ "conn",	do_conn },
	{ "set",	do_set },
	{ "get",	do_get },
	{ "overload",	do_overload },
	{ "load",	do_load },
	{ "save",	do_save },
	{ "monitor",	do_monitor },
	{ "block",	do_block },
	{ "never-block", do_never_block },
	{ "doctor",	do_doctor },
	{ "explain",	do_explain },
	{ "top",	do_top },
	{ "trace",	do_trace },
	{ "help",	do_help },
};

static int run_object(int argc, char **argv)
{
	size_t i;

	for (i = 0; i < GW_ARRAY_SIZE(objects); i++) {
		if (!strcmp(objects[i].name, argv[0]))
			return objects[i].fn(argc - 1, argv + 1);
	}
	return gw_usage_error("unknown object \"%s\" (see gwctl -h).", argv[0]);
}

/*
 * -b FILE: one command a line, as on the command line without "gwctl";
 * a line is cut into words as a rule file's is (gw_tokenize(): "strings",
 * # comments), except that { } = are ordinary letters.  Stops at the
 * first command that fails, with that command's exit status.
 */
static int run_batch(const char *path)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	struct gw_token toks[GW_TOKENS_MAX];
	char *line = NULL, *scratch = NULL, *grown, *words[GW_TOKENS_MAX];
	unsigned int lineno = 0, col;
	const char *msg;
	size_t cap = 0;
	ssize_t len;
	int i, n, ret = GW_EXIT_OK;

	if (!f)
		return gw_usage_error("cannot open batch file \"%s\": %s.", path,
				      strerror(errno));
	while (ret == GW_EXIT_OK && (len = getline(&line, &cap, f)) >= 0) {
		lineno++;
		if (len > 0 && line[len - 1] == '\n')
			len--;
		grown = realloc(scratch, len + 1);
		if (!grown) {
			ret = gw_usage_error("%s:%u: out of memory.", path, lineno);
			break;
		}
		scratch = grown;
		n = gw_tokenize(line, len, 0, scratch, toks, &col, &msg);
		if (n < 0) {
			ret = gw_usage_error("%s:%u:%u: %s.", path, lineno, col, msg);
			break;
		}
		if (!n)
			continue;
		for (i = 0; i < n; i++)
			words[i] = toks[i].text;
		if (!strcmp(words[0], "monitor") || !strcmp(words[0], "top")) {
			ret = gw_usage_error("%s:%u: %s cannot be used in a batch.", path,
					     lineno, words[0]);
			break;
		}
		ret = run_object(n, words);
		print_finish(ret);
		if (ret)
			fprintf(stderr, "Error: %s:%u: command failed.\n", path, lineno);
	}
	free(scratch);
	free(line);
	if (f != stdin)
		fclose(f);
	return ret;
}

static int bad_option(char **argv)
{
	if (optopt)
		return gw_usage_error("unknown option -%c (see gwctl -h).", optopt);
	return gw_usage_error("unknown option \"%s\" (see gwctl -h).", argv[optind - 1]);
}

int main(int argc, char **argv)
{
	static const struct option long_opts[] = {
		{ "json",	no_argument, NULL, 'j' },
		{ "batch",	required_argument, NULL, 'b' },
		{ "help",	no_argument, NULL, 'h' },
		{ "version",	no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *batch = NULL;
	bool tool_version = false;
	int opt, ret;

	/* "+": options end at the object, so command arguments are never options. */
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+:jb:hV", long_opts, NULL)) != -1) {
		switch (opt) {
		case 'j':
			print_set_json(true);
			break;
		case 'b':
			batch = optarg;
			break;
		case ':':
			return gw_usage_error("-%c needs an argument (see gwctl -h).", optopt);
		case 'h':
			usage(stdout);
			return GW_EXIT_OK;
		case 'V':
			tool_version = true;
			break;
		default:
			return bad_option(argv);
		}
	}

	if (tool_version) {
		print_str("tool", "gwctl %s", GW_TOOL_VERSION);
		print_nl();
		ret = GW_EXIT_OK;
	} else if (batch) {
		if (optind < argc)
			ret = gw_usage_error("-b takes no command on the command line.");
		else
			ret = run_batch(batch);
		gw_nl_close();
		return ret;
	} else if (optind == argc) {
		usage(stderr);
		ret = GW_EXIT_USAGE;
	} else {
		ret = run_object(argc - optind, argv + optind);
	}
	print_finish(ret);
	gw_nl_close();
	return ret;
}
