// SPDX-License-Identifier: GPL-2.0
/*
 * gwctl load / save: a whole policy in the rule language (rules/README.md).
 * load parses the file, then stages every statement in one kernel
 * transaction and commits it, so the module validates each statement
 * before anything changes and applies the file at once; any error aborts
 * the transaction and is reported at the statement's file:line:column.
 * save prints the running policy so that "gwctl save | gwctl load -"
 * changes nothing.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "gwctl.h"
#include "nl.h"
#include "print.h"
#include "rulefile.h"

enum load_mode {
	LOAD_COMMIT,	/* load FILE */
	LOAD_CHECK,	/* load -c FILE: staged in the kernel, then aborted */
	LOAD_SYNTAX,	/* load -n FILE: parsed only, no kernel */
};

static int begin_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[GW_A_MAX + 1];
	uint32_t *id = data;

	if (gw_nl_parse(nlh, &gw_attr_policy, tb))
		return MNL_CB_ERROR;
	if (gw_nl_cmd(nlh) == GW_CMD_TXN_BEGIN && tb[GW_A_TXN_ID])
		*id = mnl_attr_get_u32(tb[GW_A_TXN_ID]);
	return MNL_CB_OK;
}

static struct nlmsghdr *txn_msg(uint8_t cmd, uint32_t id)
{
	struct nlmsghdr *nlh = gw_nl_msg(cmd, NLM_F_REQUEST | NLM_F_ACK);

	mnl_attr_put_u32(nlh, GW_A_TXN_ID, id);
	return nlh;
}

/* Best effort: closing the socket aborts the transaction anyway. */
static void txn_abort(uint32_t id)
{
	gw_nl_talk_quiet(txn_msg(GW_CMD_TXN_ABORT, id), NULL, NULL);
}

static int stmt_error(const struct gw_stmt *st, int errnum, const char *msg)
{
	print_error(errnum, "%s:%u:%u: %s", st->file, st->line, st->col, msg);
	return GW_EXIT_USAGE;
}

static struct nlmsghdr *stage_msg(uint32_t id, const struct gw_stmt *st, uint64_t value)
{
	struct nlmsghdr *nlh = txn_msg(GW_CMD_TXN_STAGE, id);
	struct nlattr *nest;

	switch (st->kind) {
	case GW_STMT_IFACE:
		mnl_attr_put_strz(nlh, GW_A_IFNAME, st->iface.ifname);
		mnl_attr_put_u8(nlh, GW_A_ZONE, st->iface.zone);
		break;
	case GW_STMT_RULE:
		gw_put_rule(nlh, &st->rule);
		break;
	case GW_STMT_SET:
		nest = mnl_attr_nest_start(nlh, GW_A_TUNABLE);
		mnl_attr_put_strz(nlh, GW_TUNABLE_A_NAME, st->set.name);
		mnl_attr_put_u64(nlh, GW_TUNABLE_A_VALUE, value);
		mnl_attr_nest_end(nlh, nest);
		break;
	case GW_STMT_BLOCK:
		gw_block_put(nlh, st->block.kind, &st->block.prefix, 0);
		break;
	}
	return nlh;
}

static int stage(uint32_t id, const struct gw_stmt *st, uint64_t value)
{
	return gw_nl_talk_quiet(stage_msg(id, st, value), NULL, NULL);
}

/* Everything gwctl can judge itself, judged before the kernel is asked. */
static int check_policy(const struct gw_policy_text *pol, uint64_t *values)
{
	char err[GW_ERR_MAX];
	size_t i;

	for (i = 0; i < pol->count; i++) {
		const struct gw_stmt *st = &pol->stmts[i];

		if (st->kind == GW_STMT_SET &&
		    gw_tunable_parse(st->set.name, st->set.value, &values[i],
				     err, sizeof(err)))
			return stmt_error(st, EINVAL, err);
	}
	return GW_EXIT_OK;
}

static int load_policy(const struct gw_policy_text *pol, enum load_mode mode)
{
	char msg[GW_ERR_MAX];
	uint64_t *values;
	uint32_t id = 0;
	size_t i;
	int ret;

	values = calloc(pol->count ? pol->count : 1, sizeof(*values));
	if (!values) {
		print_error(ENOMEM, "out of memory");
		return GW_EXIT_KERNEL;
	}
	ret = check_policy(pol, values);
	if (ret)
		goto out;
	if (mode == LOAD_SYNTAX) {
		/* as pfctl -n: the file alone, no module needed */
		print_u64("statements", "syntax ok (%" PRIu64 " statements)", pol->count);
		print_nl();
		goto out;
	}

	ret = gw_nl_talk_quiet(gw_nl_msg(GW_CMD_TXN_BEGIN, NLM_F_REQUEST | NLM_F_ACK),
			       begin_cb, &id);
	if (ret || !id) {
		if (!ret)
			print_error(EPROTO, "the module answered no transaction id");
		else
			gw_nl_report();
		ret = GW_EXIT_KERNEL;
		goto out;
	}
	for (i = 0; i < pol->count; i++) {
		const struct gw_stmt *st = &pol->stmts[i];

		ret = stage(id, st, values[i]);
		if (ret) {
			snprintf(msg, sizeof(msg), "%s", gw_nl_error_msg());
			txn_abort(id);
			ret = stmt_error(st, -ret, msg);
			goto out;
		}
	}
	if (mode == LOAD_CHECK) {
		txn_abort(id);
		print_u64("statements", "%" PRIu64 " statements valid, nothing changed",
			  pol->count);
		print_nl();
		ret = GW_EXIT_OK;
		goto out;
	}
	ret = gw_nl_talk_quiet(txn_msg(GW_CMD_TXN_COMMIT, id), NULL, NULL);
	if (ret) {
		gw_nl_report();
		ret = GW_EXIT_KERNEL;
	}
out:
	free(values);
	return ret;
}

int do_load(int argc, char **argv)
{
	struct gw_policy_text pol;
	struct gw_rf_error err;
	char msg[GW_ERR_MAX + 300];
	enum load_mode mode = LOAD_COMMIT;
	int ret;

	for (; argc > 0 && argv[0][0] == '-' && argv[0][1]; argc--, argv++) {
		if (!strcmp(argv[0], "-c"))
			mode = LOAD_CHECK;
		else if (!strcmp(argv[0], "-n"))
			mode = LOAD_SYNTAX;
		else
			return gw_usage_error("unknown load option \"%s\" (gwctl load [-c|-n] FILE|-).",
					      argv[0]);
	}
	if (argc < 1)
		return gw_usage_error("load needs a rule file (gwctl load [-c|-n] FILE|-).");
	if (gw_check_end(argc - 1, argv + 1))
		return GW_EXIT_USAGE;
	if (gw_rulefile_load(argv[0], NULL, &pol, &err)) {
		gw_rf_error_format(&err, msg, sizeof(msg));
		print_error(EINVAL, "%s", msg);
		return GW_EXIT_USAGE;
	}
	ret = load_policy(&pol, mode);
	gw_policy_text_free(&pol);
	return ret;
}

/* save: the text goes to a buffer and is printed only when every dump worked. */
struct save_buf {
	FILE *f;
	bool all;		/* save -a: every tunable, defaults too */
	unsigned int skipped;	/* tunables left out at their default */
};

static int save_iface_cb(const struct nlmsghdr *nlh, void *data)
{
	struct save_buf *sb = data;
	struct gw_iface_entry e;
	const char *zone;

	if (gw_iface_decode(nlh, &e) != MNL_CB_OK)
		return MNL_CB_ERROR;
	zone = gw_zone_name(e.zone);
	if (!zone)
		return gw_nl_bad_reply("zone %u", e.zone);
	fprintf(sb->f, "iface %s %s\n", e.ifname, zone);
	return MNL_CB_OK;
}

/* A tunable of a GW_CMD_TUNABLE_GET dump, for save and doctor. */
struct tunable_entry {
	char name[GW_NAME_MAX];
	uint64_t value;
	bool has_def;		/* an older module sends no default */
	uint64_t def;
};

static int tunable_decode(const struct nlmsghdr *nlh, struct tunable_entry *t)
{
	static const uint16_t need[] = { GW_TUNABLE_A_NAME, GW_TUNABLE_A_VALUE, 0 };
	const struct nlattr *ttb[GW_TUNABLE_A_MAX + 1];

	if (gw_nl_parse_item(nlh, GW_A_TUNABLE, &gw_tunable_policy, ttb,
			     "tunable dump message without GW_A_TUNABLE") ||
	    gw_nl_need(ttb, need, "tunable without name or value"))
		return MNL_CB_ERROR;
	snprintf(t->name, sizeof(t->name), "%s", mnl_attr_get_str(ttb[GW_TUNABLE_A_NAME]));
	t->value = mnl_attr_get_u64(ttb[GW_TUNABLE_A_VALUE]);
	t->has_def = ttb[GW_TUNABLE_A_DEFAULT] != NULL;
	t->def = gw_attr_u64(ttb[GW_TUNABLE_A_DEFAULT]);
	return MNL_CB_OK;
}

static int save_tunable_cb(const struct nlmsghdr *nlh, void *data)
{
	struct save_buf *sb = data;
	struct tunable_entry t;
	const char *word;

	if (tunable_decode(nlh, &t) != MNL_CB_OK)
		return MNL_CB_ERROR;
	/*
	 * A tunable at its default is left out, so that the file carries no
	 * value derived from this host (max_flows follows its memory); a
	 * module that sends no default has every one written.
	 */
	if (!sb->all && t.has_def && t.def == t.value) {
		sb->skipped++;
		return MNL_CB_OK;
	}
	word = gw_tunable_word(t.name, t.value);
	if (word)
		fprintf(sb->f, "set %s %s\n", t.name, word);
	else
		fprintf(sb->f, "set %s %" PRIu64 "\n", t.name, t.value);
	return MNL_CB_OK;
}

/* The rule as rule list writes it too (gw_rule_format()), without its handle. */
static int save_rule_cb(const struct nlmsghdr *nlh, void *data)
{
	char text[GW_RULE_TEXT_MAX];
	struct save_buf *sb = data;
	struct gw_rf_rule r;

	if (gw_rule_decode_msg(nlh, &r, NULL, NULL) != MNL_CB_OK)
		return MNL_CB_ERROR;
	gw_rule_format(&r, text, sizeof(text));
	fprintf(sb->f, "%s\n", text);
	return MNL_CB_OK;
}

/* Permanent entries only: timed ones are state a load keeps anyway. */
static int save_block_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *btb[GW_BLOCK_A_MAX + 1];
	char prefix[INET6_ADDRSTRLEN + 8];
	struct save_buf *sb = data;

	if (gw_nl_parse_item(nlh, GW_A_BLOCK, &gw_block_policy, btb,
			     "block dump message without GW_A_BLOCK"))
		return MNL_CB_ERROR;
	if (!btb[GW_BLOCK_A_KIND] || !btb[GW_BLOCK_A_FAMILY] ||
	    gw_block_format(mnl_attr_get_u8(btb[GW_BLOCK_A_FAMILY]), btb[GW_BLOCK_A_ADDR],
			    btb[GW_BLOCK_A_PLEN], prefix, sizeof(prefix)))
		return gw_nl_bad_reply("block entry without kind or a well-formed prefix");
	if (btb[GW_BLOCK_A_TIMEOUT])
		return MNL_CB_OK;
	fprintf(sb->f, "%s %s\n", mnl_attr_get_u8(btb[GW_BLOCK_A_KIND]) == GW_BLOCK_KIND_NEVER ?
		"never-block" : "block", prefix);
	return MNL_CB_OK;
}

int do_save(int argc, char **argv)
{
	static const struct {
		uint8_t cmd;
		mnl_cb_t cb;
		const char *heading;
	} parts[] = {
		{ GW_CMD_IFACE_GET, save_iface_cb, "# zones\n" },
		{ GW_CMD_RULE_GET, save_rule_cb, "\n# allow rules, in match order\n" },
		{ GW_CMD_TUNABLE_GET, save_tunable_cb, "\n# tunables\n" },
		{ GW_CMD_BLOCK_GET, save_block_cb,
		  "\n# blocklist and never-block list (permanent entries)\n" },
	};
	struct save_buf sb = { .all = false };
	char *text = NULL;
	size_t len = 0, i;
	int ret = GW_EXIT_OK;

	if (argc > 0 && !strcmp(argv[0], "-a")) {
		sb.all = true;
		argc--;
		argv++;
	}
	if (gw_check_end(argc, argv))
		return GW_EXIT_USAGE;
	sb.f = open_memstream(&text, &len);
	if (!sb.f) {
		print_error(errno, "out of memory");
		return GW_EXIT_KERNEL;
	}
	fputs("# gatewarden policy (gwctl save); load with: gwctl load FILE\n", sb.f);
	for (i = 0; i < GW_ARRAY_SIZE(parts) && ret == GW_EXIT_OK; i++) {
		fputs(parts[i].heading, sb.f);
		if (gw_nl_talk(gw_nl_msg(parts[i].cmd, NLM_F_REQUEST | NLM_F_DUMP),
			       parts[i].cb, &sb))
			ret = GW_EXIT_KERNEL;
		if (parts[i].cb == save_tunable_cb && sb.skipped)
			fprintf(sb.f, "# %u more at their defaults (gwctl save -a writes them)\n",
				sb.skipped);
	}
	fclose(sb.f);
	/* with -j: {"schema_version": 1, "policy": "<the text>"} */
	if (ret == GW_EXIT_OK)
		print_str("policy", "%s", text);
	free(text);
	return ret;
}

/* ---- gwctl doctor: does the running policy match a file? ---------------- */

#define CMP_MAX_TUNABLES 128

struct cmp_tunables {
	unsigned int count;
	struct tunable_entry t[CMP_MAX_TUNABLES];
};

static int cmp_tunable_cb(const struct nlmsghdr *nlh, void *data)
{
	struct cmp_tunables *ct = data;
	struct tunable_entry t;

	if (tunable_decode(nlh, &t) != MNL_CB_OK)
		return MNL_CB_ERROR;
	if (ct->count < CMP_MAX_TUNABLES)
		ct->t[ct->count++] = t;
	return MNL_CB_OK;
}

static int cmp_line(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The lines of text, sorted, joined again: order does not matter there. */
static void sort_lines(char *text)
{
	char *copy, **lines = NULL, *p, *save = NULL;
	size_t n = 0, i, len = strlen(text);

	copy = strdup(text);
	if (!copy)
		return;
	for (p = strtok_r(copy, "\n", &save); p; p = strtok_r(NULL, "\n", &save)) {
		char **grown = realloc(lines, (n + 1) * sizeof(*lines));

		if (!grown)
			goto out;
		lines = grown;
		lines[n++] = p;
	}
	qsort(lines, n, sizeof(*lines), cmp_line);
	text[0] = '\0';
	for (i = 0, p = text; i < n; i++)
		p += snprintf(p, len + 1 - (size_t)(p - text), "%s\n", lines[i]);
out:
	free(lines);
	free(copy);
}

enum { CMP_IFACE, CMP_RULE, CMP_BLOCK, CMP_PARTS };

int gw_policy_compare(const char *path, char *why, size_t whylen)
{
	static const char *const part_names[CMP_PARTS] = { "zones", "rules", "blocklist" };
	static const uint8_t part_cmds[CMP_PARTS] = {
		GW_CMD_IFACE_GET, GW_CMD_RULE_GET, GW_CMD_BLOCK_GET
	};
	static const mnl_cb_t part_cbs[CMP_PARTS] = {
		save_iface_cb, save_rule_cb, save_block_cb
	};
	struct save_buf run[CMP_PARTS], file[CMP_PARTS];
	char *run_text[CMP_PARTS] = { NULL }, *file_text[CMP_PARTS] = { NULL };
	size_t run_len[CMP_PARTS], file_len[CMP_PARTS], i, k;
	struct cmp_tunables *ct = NULL;
	struct gw_policy_text pol;
	struct gw_rf_error rferr;
	uint64_t *values = NULL;
	int ret = -1, differ = 0;

	if (gw_rulefile_load(path, NULL, &pol, &rferr)) {
		char msg[GW_ERR_MAX + 300];

		gw_rf_error_format(&rferr, msg, sizeof(msg));
		snprintf(why, whylen, "%s: nothing can load it at boot", msg);
		return -1;
	}
	ct = calloc(1, sizeof(*ct));
	values = calloc(pol.count ? pol.count : 1, sizeof(*values));
	if (!ct || !values) {
		snprintf(why, whylen, "out of memory");
		goto out_free;
	}
	for (k = 0; k < CMP_PARTS; k++) {
		run[k] = (struct save_buf){ .f = open_memstream(&run_text[k], &run_len[k]) };
		file[k] = (struct save_buf){ .f = open_memstream(&file_text[k], &file_len[k]) };
		if (!run[k].f || !file[k].f) {
			snprintf(why, whylen, "out of memory");
			goto out;
		}
	}
	for (k = 0; k < CMP_PARTS; k++) {
		if (gw_nl_talk(gw_nl_msg(part_cmds[k], NLM_F_REQUEST | NLM_F_DUMP),
			       part_cbs[k], &run[k])) {
			snprintf(why, whylen, "cannot read the running policy");
			goto out;
		}
	}
	if (gw_nl_talk(gw_nl_msg(GW_CMD_TUNABLE_GET, NLM_F_REQUEST | NLM_F_DUMP),
		       cmp_tunable_cb, ct)) {
		snprintf(why, whylen, "cannot read the running tunables");
		goto out;
	}
	if (check_policy(&pol, values)) {
		snprintf(why, whylen, "%s has an error: nothing can load it at boot", path);
		goto out;
	}
	/* each statement through the callback that prints its dump reply */
	for (i = 0; i < pol.count; i++) {
		const struct gw_stmt *st = &pol.stmts[i];
		struct nlmsghdr *nlh = stage_msg(0, st, values[i]);

		if (st->kind == GW_STMT_IFACE)
			save_iface_cb(nlh, &file[CMP_IFACE]);
		else if (st->kind == GW_STMT_RULE)
			save_rule_cb(nlh, &file[CMP_RULE]);
		else if (st->kind == GW_STMT_BLOCK)
			save_block_cb(nlh, &file[CMP_BLOCK]);
	}
	ret = 0;
	for (k = 0; k < CMP_PARTS; k++) {
		fclose(run[k].f);
		fclose(file[k].f);
		run[k].f = file[k].f = NULL;
		if (k != CMP_RULE) {
			sort_lines(run_text[k]);
			sort_lines(file_text[k]);
		}
		if (strcmp(run_text[k], file_text[k]) && !differ) {
			snprintf(why, whylen, "%s", part_names[k]);
			differ = 1;
		}
	}
	/* a tunable the file does not set is at its default after a load */
	for (k = 0; k < ct->count && !differ; k++) {
		uint64_t want = ct->t[k].def;
		bool known = ct->t[k].has_def;

		for (i = 0; i < pol.count; i++) {
			const struct gw_stmt *st = &pol.stmts[i];

			if (st->kind == GW_STMT_SET && !strcmp(st->set.name, ct->t[k].name)) {
				want = values[i];
				known = true;
			}
		}
		if (known && want != ct->t[k].value) {
			snprintf(why, whylen, "tunable %s", ct->t[k].name);
			differ = 1;
		}
	}
	ret = differ;
out:
	for (k = 0; k < CMP_PARTS; k++) {
		if (run[k].f)
			fclose(run[k].f);
		if (file[k].f)
			fclose(file[k].f);
		free(run_text[k]);
		free(file_text[k]);
	}
out_free:
	free(values);
	free(ct);
	gw_policy_text_free(&pol);
	return ret;
}
