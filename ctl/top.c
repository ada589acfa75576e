// SPDX-License-Identifier: GPL-2.0
/*
 * gwctl top: what the firewall is doing now, refreshed every interval.
 * One view is built from two samples (sample.c) and shown either on the
 * terminal with curses, fitted to its size (80x24 over ssh is enough),
 * or with -j as one JSON document a sample, for scripts.
 */
#include <curses.h>
#include <errno.h>
#include <inttypes.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "gwctl.h"
#include "nl.h"
#include "print.h"
#include "rulefile.h"
#include "sample.h"

/* Entries of a list in -j output (the screen shows what fits). */
#define TOP_LIST_MAX 10
/* Ctrl-C as a key: the terminal is raw, so it sends no SIGINT. */
#define TOP_KEY_CTRL_C 3

struct top_reason {
	unsigned int id;
	uint64_t delta;
	uint64_t total;
};

/* How many traced drops came from a source, or went to a port. */
struct top_count {
	struct gw_sample_drop key;
	uint64_t count;
};

struct top_rule {
	const struct gw_sample_rule *rule;
	uint64_t hits;		/* in the interval */
};

/* What one refresh shows: two samples digested. */
struct top_view {
	const struct gw_sample *cur;
	double seconds;
	uint64_t in, out, drops, new_flows;	/* in the interval */
	struct top_reason *reason;		/* drop counters not zero, busiest first */
	size_t nreasons;
	struct top_rule *rule;			/* every rule, busiest first */
	size_t nrules;
	/* the drops the trace recorded in the interval, busiest first */
	uint64_t traced;
	struct top_count *source, *port;
	size_t nsources, nports;
};

struct top {
	bool json;
	struct top_view view;	/* the last one shown, redrawn on a resize */
	bool have_view;
	uint32_t interval_ms;
};

static int by_reason(const void *a, const void *b)
{
	const struct top_reason *x = a, *y = b;

	if (x->delta != y->delta)
		return x->delta < y->delta ? 1 : -1;
	if (x->total != y->total)
		return x->total < y->total ? 1 : -1;
	return (x->id > y->id) - (x->id < y->id);
}

static int by_hits(const void *a, const void *b)
{
	const struct top_rule *x = a, *y = b;

	if (x->hits != y->hits)
		return x->hits < y->hits ? 1 : -1;
	if (x->rule->hits != y->rule->hits)
		return x->rule->hits < y->rule->hits ? 1 : -1;
	return (x->rule->handle > y->rule->handle) - (x->rule->handle < y->rule->handle);
}

static int by_source(const void *a, const void *b)
{
	const struct gw_sample_drop *x = a, *y = b;

	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	return memcmp(x->src, y->src, sizeof(x->src));
}

static int by_port(const void *a, const void *b)
{
	const struct gw_sample_drop *x = a, *y = b;

	if (x->proto != y->proto)
		return x->proto < y->proto ? -1 : 1;
	return (x->dport > y->dport) - (x->dport < y->dport);
}

static int by_count(const void *a, const void *b)
{
	const struct top_count *x = a, *y = b;

	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return by_source(&x->key, &y->key) ? by_source(&x->key, &y->key) :
	       by_port(&x->key, &y->key);
}

/* The n drops of c (count 1 each), one a key of cmp with its count, busiest first. */
static size_t count_keys(struct top_count *c, size_t n,
			 int (*cmp)(const void *, const void *))
{
	size_t i, keys = 0;

	qsort(c, n, sizeof(*c), cmp);
	for (i = 0; i < n; i++) {
		if (keys && !cmp(&c[keys - 1].key, &c[i].key))
			c[keys - 1].count++;
		else
			c[keys++] = c[i];
	}
	qsort(c, keys, sizeof(*c), by_count);
	return keys;
}

/* The drops the trace recorded after prev's last: by source, by port. */
static int view_trace(struct top_view *v, const struct gw_sample *prev,
		      const struct gw_sample *cur)
{
	uint64_t after = prev->ndrops ? prev->drop[prev->ndrops - 1].seq : 0;
	size_t i;

	/* numbered from 1 again (a trace made anew): all of it is new */
	if (cur->ndrops && cur->drop[cur->ndrops - 1].seq < after)
		after = 0;

	v->source = calloc(cur->ndrops + 1, sizeof(*v->source));
	v->port = calloc(cur->ndrops + 1, sizeof(*v->port));
	if (!v->source || !v->port)
		return -1;
	for (i = 0; i < cur->ndrops; i++) {
		const struct gw_sample_drop *d = &cur->drop[i];

		if (d->seq <= after)
			continue;
		v->traced++;
		if (d->family)
			v->source[v->nsources++] = (struct top_count){ *d, 1 };
		if (d->dport)
			v->port[v->nports++] = (struct top_count){ *d, 1 };
	}
	v->nsources = count_keys(v->source, v->nsources, by_source);
	v->nports = count_keys(v->port, v->nports, by_port);
	return 0;
}

static void view_free(struct top_view *v)
{
	free(v->reason);
	free(v->rule);
	free(v->source);
	free(v->port);
	memset(v, 0, sizeof(*v));
}

static int view_build(struct top_view *v, const struct gw_sample *prev,
		      const struct gw_sample *cur)
{
	unsigned int id;
	size_t i;

	view_free(v);
	v->cur = cur;
	v->seconds = gw_sample_seconds(prev, cur);
	v->in = gw_sample_delta(prev, cur, GW_CTR_IN_PACKETS);
	v->out = gw_sample_delta(prev, cur, GW_CTR_OUT_PACKETS);
	v->new_flows = gw_sample_delta(prev, cur, GW_CTR_FLOW_CREATED);
	v->reason = calloc(cur->ncounters ? cur->ncounters : 1, sizeof(*v->reason));
	v->rule = calloc(cur->nrules ? cur->nrules : 1, sizeof(*v->rule));
	if (!v->reason || !v->rule) {
		print_error(ENOMEM, "out of memory for the view");
		return -1;
	}
	for (id = 0; id < cur->ncounters; id++) {
		struct top_reason *r = &v->reason[v->nreasons];

		if (!cur->present[id] || !gw_sample_is_drop(id))
			continue;
		r->id = id;
		r->delta = gw_sample_delta(prev, cur, id);
		r->total = cur->counter[id];
		v->drops += r->delta;
		if (r->delta || r->total)
			v->nreasons++;
	}
	qsort(v->reason, v->nreasons, sizeof(*v->reason), by_reason);
	for (i = 0; i < cur->nrules; i++) {
		v->rule[i].rule = &cur->rule[i];
		v->rule[i].hits = gw_sample_rule_hits(prev, &cur->rule[i]);
	}
	v->nrules = cur->nrules;
	qsort(v->rule, v->nrules, sizeof(*v->rule), by_hits);
	if (cur->has_trace && view_trace(v, prev, cur)) {
		print_error(ENOMEM, "out of memory for the view");
		return -1;
	}
	return 0;
}

static void format_source(const struct gw_sample_drop *d, char *buf, size_t len)
{
	if (gw_format_addr(d->family, d->src, gw_addr_len(d->family), buf, len))
		snprintf(buf, len, "?");
}

static void format_port(const struct gw_sample_drop *d, char *buf, size_t len)
{
	const char *name = gw_proto_name(d->proto);

	if (name)
		snprintf(buf, len, "%s %u", name, d->dport);
	else
		snprintf(buf, len, "proto %u %u", d->proto, d->dport);
}

/* ---- -j ----------------------------------------------------------------- */

static void json_rate(const char *key, uint64_t count, double seconds)
{
	print_open_object(key);
	print_double("rate", NULL, count / seconds);
	print_u64("count", NULL, count);
	print_close_object();
}

/* "trace": what the drop trace recorded in the interval (it samples) */
static void json_trace(const struct top_view *v)
{
	char buf[64];
	size_t i;

	print_open_object("trace");
	print_u64("drops", NULL, v->traced);
	print_open_array("sources");
	for (i = 0; i < v->nsources && i < TOP_LIST_MAX; i++) {
		print_open_object(NULL);
		format_source(&v->source[i].key, buf, sizeof(buf));
		print_str("source", NULL, buf);
		print_double("rate", NULL, v->source[i].count / v->seconds);
		print_u64("count", NULL, v->source[i].count);
		print_close_object();
	}
	print_close_array();
	print_open_array("ports");
	for (i = 0; i < v->nports && i < TOP_LIST_MAX; i++) {
		const char *name = gw_proto_name(v->port[i].key.proto);

		print_open_object(NULL);
		if (name)
			print_str("proto", NULL, name);
		else
			print_u64("proto", NULL, v->port[i].key.proto);
		print_u64("port", NULL, v->port[i].key.dport);
		print_double("rate", NULL, v->port[i].count / v->seconds);
		print_u64("count", NULL, v->port[i].count);
		print_close_object();
	}
	print_close_array();
	print_close_object();
}

static void json_show(const struct top_view *v)
{
	const struct gw_sample *cur = v->cur;
	char buf[32];
	size_t i;

	print_double("interval", NULL, v->seconds);
	json_rate("in_packets", v->in, v->seconds);
	json_rate("out_packets", v->out, v->seconds);
	json_rate("new_flows", v->new_flows, v->seconds);
	print_open_object("drops");
	print_double("rate", NULL, v->drops / v->seconds);
	print_u64("count", NULL, v->drops);
	print_open_array("reasons");
	for (i = 0; i < v->nreasons; i++) {
		const struct top_reason *r = &v->reason[i];

		print_open_object(NULL);
		print_str("reason", NULL, gw_sample_counter_name(r->id, buf, sizeof(buf)));
		print_double("rate", NULL, r->delta / v->seconds);
		print_u64("count", NULL, r->delta);
		print_u64("total", NULL, r->total);
		print_close_object();
	}
	print_close_array();
	print_close_object();
	gw_stats_print_table(cur);
	print_u64("blocklist", NULL, cur->blocked);
	print_open_array("overloaded");
	for (i = 0; i < cur->noverload && i < TOP_LIST_MAX; i++) {
		print_open_object(NULL);
		print_str("source", NULL, cur->overload[i].source);
		print_u64("timeout", NULL, cur->overload[i].timeout);
		print_u64("conns", NULL, cur->overload[i].conns);
		print_close_object();
	}
	print_close_array();
	print_open_array("rules");
	for (i = 0; i < v->nrules && i < TOP_LIST_MAX; i++) {
		const struct top_rule *r = &v->rule[i];

		print_open_object(NULL);
		print_u64("handle", NULL, r->rule->handle);
		print_str("rule", NULL, r->rule->text);
		print_double("hits_rate", NULL, r->hits / v->seconds);
		print_u64("hits", NULL, r->hits);
		print_u64("hits_total", NULL, r->rule->hits);
		print_u64("packets_total", NULL, r->rule->packets);
		print_close_object();
	}
	print_close_array();
	if (v->cur->has_trace)
		json_trace(v);
	print_end_document();
}

/* ---- the terminal ------------------------------------------------------- */

/* Rates and counts in at most 7 columns. */
static void fmt_rate(double rate, char *buf, size_t len)
{
	if (rate < 10000)
		snprintf(buf, len, "%.1f", rate);
	else if (rate < 1e7)
		snprintf(buf, len, "%.0f", rate);
	else
		snprintf(buf, len, "%.1fM", rate / 1e6);
}

static void fmt_count(uint64_t n, char *buf, size_t len)
{
	if (n < 10000000)
		snprintf(buf, len, "%" PRIu64, n);
	else if (n < 10000000000ULL)
		snprintf(buf, len, "%.1fM", n / 1e6);
	else
		snprintf(buf, len, "%.1fG", n / 1e9);
}

/* printf at (y, x), cut at width columns. */
static void put(int y, int x, int width, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void put(int y, int x, int width, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	if (width <= 0)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	mvaddnstr(y, x, buf, width);
}

/* A panel: a title and as many of its lines as rows allow. */
struct top_panel {
	const char *title;
	const char *empty;	/* shown when there is no line */
	size_t n;
	void (*line)(const struct top_view *v, size_t i, char *buf, size_t len);
};

static void reason_line(const struct top_view *v, size_t i, char *buf, size_t len)
{
	const struct top_reason *r = &v->reason[i];
	char name[32], rate[16], total[16];

	fmt_rate(r->delta / v->seconds, rate, sizeof(rate));
	fmt_count(r->total, total, sizeof(total));
	snprintf(buf, len, "%-22.22s %7s %8s",
		 gw_sample_counter_name(r->id, name, sizeof(name)), rate, total);
}

static void rule_line(const struct top_view *v, size_t i, char *buf, size_t len)
{
	const struct top_rule *r = &v->rule[i];
	char rate[16], total[16];

	fmt_rate(r->hits / v->seconds, rate, sizeof(rate));
	fmt_count(r->rule->hits, total, sizeof(total));
	snprintf(buf, len, "%7s %8s #%-3" PRIu32 " %s", rate, total, r->rule->handle,
		 r->rule->text);
}

static void overload_line(const struct top_view *v, size_t i, char *buf, size_t len)
{
	const struct gw_overload_entry *e = &v->cur->overload[i];

	snprintf(buf, len, "%-25s %6" PRIu32 "s %5" PRIu32, e->source, e->timeout, e->conns);
}

static void count_line(const struct top_view *v, const struct top_count *c,
		       void (*format)(const struct gw_sample_drop *, char *, size_t),
		       char *buf, size_t len)
{
	char key[64], rate[16], count[16];

	format(&c->key, key, sizeof(key));
	fmt_rate(c->count / v->seconds, rate, sizeof(rate));
	fmt_count(c->count, count, sizeof(count));
	snprintf(buf, len, "%-25s %7s %5s", key, rate, count);
}

static void source_line(const struct top_view *v, size_t i, char *buf, size_t len)
{
	count_line(v, &v->source[i], format_source, buf, len);
}

static void port_line(const struct top_view *v, size_t i, char *buf, size_t len)
{
	count_line(v, &v->port[i], format_port, buf, len);
}

static void draw_panel(const struct top_view *v, const struct top_panel *p,
		       int y, int x, int width, int height)
{
	char buf[512];
	size_t i;

	if (height < 2)
		return;
	attron(A_BOLD);
	put(y, x, width, "%s", p->title);
	attroff(A_BOLD);
	if (!p->n)
		put(y + 1, x, width, "%s", p->empty);
	for (i = 0; i < p->n && (int)i < height - 1; i++) {
		p->line(v, i, buf, sizeof(buf));
		put(y + 1 + (int)i, x, width, "%s", buf);
	}
}

/*
 * From 80 columns, bands of two panels side by side and the rules, whose
 * lines are long, across the whole width; below that, one panel under
 * the other.  The rows left are shared out evenly.
 */
static void draw_panels(const struct top_view *v, int y, int rows, int cols)
{
	const struct top_panel panels[] = {
		/* the titles are the lines' formats with the column names */
		{ "drops by reason             /s    total", "no drop yet", v->nreasons,
		  reason_line },
		{ "overloaded sources        expires conns", "no overloaded source",
		  v->cur->noverload, overload_line },
		/* the drop trace's, when the module has one */
		{ "dropped sources (traced)       /s count", "no drop traced",
		  v->nsources, source_line },
		{ "dropped ports (traced)         /s count", "no port traced",
		  v->nports, port_line },
		{ "     /s     hits  rules by hits", "no rule", v->nrules, rule_line },
	};
	const struct top_panel *order[GW_ARRAY_SIZE(panels)];
	int n = 0, bands, height, width, i;

	for (i = 0; i < (int)GW_ARRAY_SIZE(panels); i++) {
		if (v->cur->has_trace || (panels[i].line != source_line &&
					  panels[i].line != port_line))
			order[n++] = &panels[i];
	}
	if (cols >= 80) {
		bands = (n + 1) / 2;
		height = (rows - y) / bands;
		width = (cols - 1) / 2;
		for (i = 0; i + 1 < n; i += 2) {
			draw_panel(v, order[i], y, 0, width, height - 1);
			draw_panel(v, order[i + 1], y, width + 1, width, height - 1);
			y += height;
		}
		if (i < n)
			draw_panel(v, order[i], y, 0, cols, rows - y);
		return;
	}
	height = (rows - y) / n;
	for (i = 0; i < n; i++, y += height)
		draw_panel(v, order[i], y, 0, cols, i + 1 < n ? height - 1 : rows - y);
}

static void draw(const struct top *t)
{
	const struct top_view *v = &t->view;
	const struct gw_sample *cur = v->cur;
	char in[16], out[16], drops[16], flows[16], clock[16];
	time_t now = time(NULL);
	int rows, cols;
	struct tm tm;

	getmaxyx(stdscr, rows, cols);
	erase();
	if (!localtime_r(&now, &tm) || !strftime(clock, sizeof(clock), "%H:%M:%S", &tm))
		clock[0] = '\0';
	attron(A_REVERSE);
	put(0, 0, cols, "%-*s", cols, " gatewarden top");
	put(0, 17, cols - 17, "every %.1f s  %s", t->interval_ms / 1000.0, clock);
	if (cols > 40)
		put(0, cols - 9, 9, "q: quit ");
	attroff(A_REVERSE);
	if (!t->have_view) {
		put(2, 0, cols, "first sample in %.1f s", t->interval_ms / 1000.0);
		refresh();
		return;
	}
	fmt_rate(v->in / v->seconds, in, sizeof(in));
	fmt_rate(v->out / v->seconds, out, sizeof(out));
	fmt_rate(v->drops / v->seconds, drops, sizeof(drops));
	fmt_rate(v->new_flows / v->seconds, flows, sizeof(flows));
	put(1, 0, cols, "packets/s in %s  out %s   drops/s %s   new flows/s %s",
	    in, out, drops, flows);
	put(2, 0, cols, "flows %" PRIu32 "/%" PRIu32 " (%" PRIu32 "%%)  half-open %" PRIu32
	    "  overloaded %" PRIu32 "  blocklist %" PRIu32,
	    cur->flows, cur->flow_max,
	    cur->flow_max ? (uint32_t)((uint64_t)cur->flows * 100 / cur->flow_max) : 0,
	    cur->halfopen, cur->overloaded, cur->blocked);
	draw_panels(v, 4, rows, cols);
	refresh();
}

/*
 * While curses owns the terminal, what would go to stderr (a netlink
 * error) is kept in a file and written out once the terminal is back.
 */
static struct {
	FILE *log;
	int saved;
} err_hold = { NULL, -1 };

static void hold_stderr(void)
{
	err_hold.log = tmpfile();
	if (!err_hold.log)
		return;
	fflush(stderr);
	err_hold.saved = dup(STDERR_FILENO);
	if (err_hold.saved < 0 || dup2(fileno(err_hold.log), STDERR_FILENO) < 0) {
		if (err_hold.saved >= 0)
			close(err_hold.saved);
		fclose(err_hold.log);
		err_hold.log = NULL;
	}
}

static void release_stderr(void)
{
	char buf[512];
	size_t n;

	if (!err_hold.log)
		return;
	fflush(stderr);
	dup2(err_hold.saved, STDERR_FILENO);
	close(err_hold.saved);
	rewind(err_hold.log);
	while ((n = fread(buf, 1, sizeof(buf), err_hold.log)) > 0)
		fwrite(buf, 1, n, stderr);
	fclose(err_hold.log);
	err_hold.log = NULL;
}

static int screen_start(void)
{
	SCREEN *screen;

	setlocale(LC_CTYPE, "");
	hold_stderr();
	screen = newterm(NULL, stdout, stdin);
	if (!screen) {
		release_stderr();
		return gw_usage_error("top cannot drive terminal type \"%s\" (-j prints samples as JSON).",
				      getenv("TERM") ? getenv("TERM") : "");
	}
	raw();
	noecho();
	keypad(stdscr, TRUE);
	curs_set(0);
	return GW_EXIT_OK;
}

static void screen_end(void)
{
	endwin();
	release_stderr();
}

/* Keys until the deadline: q or Ctrl-C ends top; a resize redraws. */
static int screen_wait(uint64_t deadline, void *data)
{
	struct top *t = data;
	uint64_t now;
	int key;

	while (!gw_sample_stopped() && (now = gw_now_ns()) < deadline) {
		timeout((int)((deadline - now + 999999) / 1000000));
		key = getch();
		if (key == 'q' || key == 'Q' || key == TOP_KEY_CTRL_C)
			return 1;
		if (key == KEY_RESIZE)
			draw(t);
	}
	return 0;
}

static int top_show(const struct gw_sample *prev, const struct gw_sample *cur, void *data)
{
	struct top *t = data;

	if (view_build(&t->view, prev, cur))
		return -1;
	t->have_view = true;
	if (t->json)
		json_show(&t->view);
	else
		draw(t);
	return 0;
}

/* top [-j] [-d SECONDS] [-n COUNT] */
int do_top(int argc, char **argv)
{
	struct top t = { .interval_ms = 1000 };
	struct gw_sampler sampler = {
		.parts = GW_SAMPLE_RULES | GW_SAMPLE_BLOCKS | GW_SAMPLE_OVERLOAD | GW_SAMPLE_TRACE,
		.show = top_show,
		.data = &t,
	};
	char err[GW_ERR_MAX];
	uint64_t count;
	int i, ret;

	for (i = 0; i < argc; i++) {
		const char *arg = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(argv[i], "-j")) {
			print_set_json(true);
			t.json = true;
			continue;
		}
		if (strcmp(argv[i], "-d") && strcmp(argv[i], "-n"))
			return gw_check_end(argc - i, argv + i);
		if (!arg)
			return gw_usage_error("%s needs a value.", argv[i]);
		if (!strcmp(argv[i], "-d")) {
			if (gw_parse_interval("interval", arg, &t.interval_ms, err, sizeof(err)))
				return gw_usage_error("%s", err);
		} else {
			if (gw_parse_uint("-n", arg, 1, UINT32_MAX, &count, err, sizeof(err)))
				return gw_usage_error("%s", err);
			sampler.count = count;
		}
		i++;
	}
	t.json |= print_is_json();
	sampler.interval_ms = t.interval_ms;
	if (t.json) {
		ret = gw_sample_loop(&sampler);
	} else {
		if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
			return gw_usage_error("top needs a terminal (-j prints samples as JSON).");
		/* the module's names, and whether it answers, before the screen is taken */
		if (gw_names_fetch(GW_NAME_KIND_COUNTER))
			return GW_EXIT_KERNEL;
		ret = screen_start();
		if (ret)
			return ret;
		draw(&t);
		sampler.wait = screen_wait;
		ret = gw_sample_loop(&sampler);
		screen_end();
	}
	view_free(&t.view);
	return ret ? GW_EXIT_KERNEL : GW_EXIT_OK;
}
