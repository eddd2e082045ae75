/*
 * souffle_rate_limit: a per-device publish rate limit for Mosquitto 2.x (plugin API v5).
 *
 * Mosquitto has no per-client publish rate limit: a device publishing as fast as it can fills the
 * ingest worker's queue while the worker is away, and Mosquitto then drops every later message,
 * other devices' readings included (docs/ingest.md, Limits). This plugin gives each device the
 * token bucket the embedded broker gives it (ingest/device-rate-limit.ts): `rate` messages a
 * minute on average, `burst` in a row. A PUBLISH over the limit is denied at the ACL check, which
 * Mosquitto answers with a PUBACK and then drops: the device does not reconnect and send it again,
 * and the message never reaches a queue.
 *
 * The bucket is keyed by user name (a device's id; the generated configuration also makes it the
 * client id), so all connections of a device share it. Service users (the ingest workers and the
 * API's forwarder) are exempt. The plugin only ever denies or defers: whether the topic is allowed
 * is still decided by acl_file.
 *
 * Options (mosquitto.conf, after the `plugin` line):
 *   plugin_opt_rate <n>          messages a minute a device may publish on average (> 0)
 *   plugin_opt_burst <n>         messages a device may publish in a row (>= 1)
 *   plugin_opt_log_interval <s>  a device's drops are logged at most once per this many seconds
 *   plugin_opt_exempt <u1,u2,…>  user names never limited (comma- or space-separated)
 *
 * Built by `souffle mosquitto-plugin build <dir>` (ingest/mosquitto-plugin.ts):
 *   cc -shared -fPIC -O2 -o souffle_rate_limit.so souffle_rate_limit.c
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mosquitto.h>
#include <mosquitto_broker.h>
#include <mosquitto_plugin.h>

#define PLUGIN_NAME "souffle_rate_limit"

/* Buckets kept at most: a fleet's users, with room. Full buckets are forgotten first (a bucket
 * that has refilled is the same as a new one), so forgetting changes nothing for anyone. */
#define MAX_BUCKETS 100000
/* Pending drop counts are flushed to the log at most this often (MOSQ_EVT_TICK runs on every
 * turn of the main loop: scanning every bucket each time would cost the flood's CPU). */
#define SWEEP_INTERVAL_MS 1000.0

struct bucket {
	char *user;
	double tokens;
	double at_ms;
	double logged_at_ms;
	unsigned long dropped_since_log;
	struct bucket *next;
};

struct limiter {
	mosquitto_plugin_id_t *id;
	double per_minute;
	double per_ms;
	double burst;
	double log_interval_ms;
	char **exempt;
	size_t exempt_count;
	struct bucket **slots;
	size_t slot_count;
	size_t count;
	/* Buckets holding drops not yet logged: the sweep is skipped while none does. */
	size_t pending;
	double swept_at_ms;
};

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/* FNV-1a: user names are short, and anyone who could choose them to collide is already a user. */
static size_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for(; *s; s++){
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return (size_t)h;
}

static bool is_exempt(const struct limiter *l, const char *user)
{
	for(size_t i = 0; i < l->exempt_count; i++){
		if(strcmp(l->exempt[i], user) == 0) return true;
	}
	return false;
}

static void log_drops(struct limiter *l, struct bucket *b, double now)
{
	mosquitto_log_printf(MOSQ_LOG_WARNING,
			"%s: %s is over its publish limit (%g messages a minute, bursts of %g): "
			"%lu message(s) dropped, not delivered",
			PLUGIN_NAME, b->user, l->per_minute, l->burst, b->dropped_since_log);
	b->dropped_since_log = 0;
	b->logged_at_ms = now;
	if(l->pending > 0) l->pending--;
}

static void refill(const struct limiter *l, struct bucket *b, double now)
{
	b->tokens = fmin(l->burst, b->tokens + (now - b->at_ms) * l->per_ms);
	b->at_ms = now;
}

static void free_bucket(struct bucket *b)
{
	free(b->user);
	free(b);
}

/* Forgets buckets that have refilled and logged everything; all of them if that is not enough. */
static void forget_full(struct limiter *l, double now)
{
	for(size_t i = 0; i < l->slot_count; i++){
		struct bucket **link = &l->slots[i];
		while(*link){
			struct bucket *b = *link;
			refill(l, b, now);
			if(b->tokens >= l->burst && b->dropped_since_log == 0){
				*link = b->next;
				free_bucket(b);
				l->count--;
			}else{
				link = &b->next;
			}
		}
	}
	if(l->count < MAX_BUCKETS) return;
	for(size_t i = 0; i < l->slot_count; i++){
		while(l->slots[i]){
			struct bucket *b = l->slots[i];
			l->slots[i] = b->next;
			free_bucket(b);
		}
	}
	l->count = 0;
	l->pending = 0;
}

static void grow(struct limiter *l)
{
	size_t count = l->slot_count * 2;
	struct bucket **slots = calloc(count, sizeof(*slots));
	if(!slots) return; /* keep the longer chains rather than fail a publish */
	for(size_t i = 0; i < l->slot_count; i++){
		struct bucket *b = l->slots[i];
		while(b){
			struct bucket *next = b->next;
			size_t j = hash(b->user) % count;
			b->next = slots[j];
			slots[j] = b;
			b = next;
		}
	}
	free(l->slots);
	l->slots = slots;
	l->slot_count = count;
}

static struct bucket *find_or_add(struct limiter *l, const char *user, double now)
{
	size_t i = hash(user) % l->slot_count;
	for(struct bucket *b = l->slots[i]; b; b = b->next){
		if(strcmp(b->user, user) == 0) return b;
	}
	if(l->count >= MAX_BUCKETS) forget_full(l, now);
	if(l->count >= l->slot_count * 2){
		grow(l);
		i = hash(user) % l->slot_count;
	}
	struct bucket *b = calloc(1, sizeof(*b));
	if(!b) return NULL;
	b->user = strdup(user);
	if(!b->user){
		free(b);
		return NULL;
	}
	b->tokens = l->burst;
	b->at_ms = now;
	b->logged_at_ms = -INFINITY;
	b->next = l->slots[i];
	l->slots[i] = b;
	l->count++;
	return b;
}

static int on_acl_check(int event, void *event_data, void *userdata)
{
	struct limiter *l = userdata;
	struct mosquitto_evt_acl_check *ed = event_data;
	(void)event;

	/* Only what a client publishes is limited; reads and subscriptions are acl_file's. */
	if(ed->access != MOSQ_ACL_WRITE) return MOSQ_ERR_PLUGIN_DEFER;
	const char *user = mosquitto_client_username(ed->client);
	if(!user) user = mosquitto_client_id(ed->client);
	if(!user || is_exempt(l, user)) return MOSQ_ERR_PLUGIN_DEFER;

	double now = now_ms();
	struct bucket *b = find_or_add(l, user, now);
	if(!b) return MOSQ_ERR_PLUGIN_DEFER; /* out of memory: do not turn it into lost readings */
	refill(l, b, now);
	if(b->tokens >= 1.0){
		b->tokens -= 1.0;
		return MOSQ_ERR_PLUGIN_DEFER; /* within the limit: acl_file decides on the topic */
	}
	if(b->dropped_since_log++ == 0) l->pending++;
	if(now - b->logged_at_ms >= l->log_interval_ms) log_drops(l, b, now);
	return MOSQ_ERR_ACL_DENIED;
}

/* Logs the drops of devices that stopped flooding before their next log entry was due. */
static int on_tick(int event, void *event_data, void *userdata)
{
	struct limiter *l = userdata;
	(void)event;
	(void)event_data;
	if(l->pending == 0) return MOSQ_ERR_SUCCESS;
	double now = now_ms();
	if(now - l->swept_at_ms < SWEEP_INTERVAL_MS) return MOSQ_ERR_SUCCESS;
	l->swept_at_ms = now;
	for(size_t i = 0; i < l->slot_count; i++){
		for(struct bucket *b = l->slots[i]; b; b = b->next){
			if(b->dropped_since_log > 0 && now - b->logged_at_ms >= l->log_interval_ms){
				log_drops(l, b, now);
			}
		}
	}
	return MOSQ_ERR_SUCCESS;
}

/* A number option, or an error naming it and what it must be. */
static int number_option(const char *key, const char *value, double min, double *out)
{
	char *end = NULL;
	errno = 0;
	double v = strtod(value, &end);
	if(errno || end == value || *end != '\0' || !isfinite(v) || v < min){
		mosquitto_log_printf(MOSQ_LOG_ERR, "%s: plugin_opt_%s \"%s\" must be a number of at least %g",
				PLUGIN_NAME, key, value, min);
		return MOSQ_ERR_INVAL;
	}
	*out = v;
	return MOSQ_ERR_SUCCESS;
}

static int exempt_option(struct limiter *l, const char *value)
{
	char *copy = strdup(value);
	if(!copy) return MOSQ_ERR_NOMEM;
	char *save = NULL;
	for(char *name = strtok_r(copy, ", \t", &save); name; name = strtok_r(NULL, ", \t", &save)){
		char **list = realloc(l->exempt, (l->exempt_count + 1) * sizeof(*list));
		if(!list){
			free(copy);
			return MOSQ_ERR_NOMEM;
		}
		l->exempt = list;
		l->exempt[l->exempt_count] = strdup(name);
		if(!l->exempt[l->exempt_count]){
			free(copy);
			return MOSQ_ERR_NOMEM;
		}
		l->exempt_count++;
	}
	free(copy);
	return MOSQ_ERR_SUCCESS;
}

static void free_limiter(struct limiter *l)
{
	if(!l) return;
	if(l->slots){
		for(size_t i = 0; i < l->slot_count; i++){
			while(l->slots[i]){
				struct bucket *b = l->slots[i];
				l->slots[i] = b->next;
				free_bucket(b);
			}
		}
		free(l->slots);
	}
	for(size_t i = 0; i < l->exempt_count; i++) free(l->exempt[i]);
	free(l->exempt);
	free(l);
}

int mosquitto_plugin_version(int supported_version_count, const int *supported_versions)
{
	for(int i = 0; i < supported_version_count; i++){
		if(supported_versions[i] == 5) return 5;
	}
	return -1;
}

int mosquitto_plugin_init(mosquitto_plugin_id_t *identifier, void **userdata,
		struct mosquitto_opt *options, int option_count)
{
	struct limiter *l = calloc(1, sizeof(*l));
	if(!l) return MOSQ_ERR_NOMEM;
	/* The embedded broker's defaults (SOUFFLE_MQTT_RATE, SOUFFLE_MQTT_BURST). */
	l->per_minute = 60.0;
	l->burst = 120.0;
	double log_interval_s = 60.0;
	int rc = MOSQ_ERR_SUCCESS;
	for(int i = 0; i < option_count && rc == MOSQ_ERR_SUCCESS; i++){
		const char *key = options[i].key, *value = options[i].value;
		if(strcmp(key, "rate") == 0){
			rc = number_option(key, value, 0.0, &l->per_minute);
			if(rc == MOSQ_ERR_SUCCESS && l->per_minute <= 0.0){
				mosquitto_log_printf(MOSQ_LOG_ERR, "%s: plugin_opt_rate must be above 0", PLUGIN_NAME);
				rc = MOSQ_ERR_INVAL;
			}
		}else if(strcmp(key, "burst") == 0){
			rc = number_option(key, value, 1.0, &l->burst);
			if(rc == MOSQ_ERR_SUCCESS) l->burst = floor(l->burst);
		}else if(strcmp(key, "log_interval") == 0){
			rc = number_option(key, value, 0.0, &log_interval_s);
		}else if(strcmp(key, "exempt") == 0){
			rc = exempt_option(l, value);
		}else{
			/* A misspelt option would silently leave the default limit in force. */
			mosquitto_log_printf(MOSQ_LOG_ERR,
					"%s: unknown option plugin_opt_%s (known: rate, burst, log_interval, exempt)",
					PLUGIN_NAME, key);
			rc = MOSQ_ERR_INVAL;
		}
	}
	if(rc == MOSQ_ERR_SUCCESS){
		l->per_ms = l->per_minute / 60000.0;
		l->log_interval_ms = log_interval_s * 1000.0;
		l->swept_at_ms = -INFINITY;
		l->slot_count = 1024;
		l->slots = calloc(l->slot_count, sizeof(*l->slots));
		if(!l->slots) rc = MOSQ_ERR_NOMEM;
	}
	if(rc == MOSQ_ERR_SUCCESS){
		l->id = identifier;
		rc = mosquitto_callback_register(identifier, MOSQ_EVT_ACL_CHECK, on_acl_check, NULL, l);
	}
	if(rc == MOSQ_ERR_SUCCESS){
		rc = mosquitto_callback_register(identifier, MOSQ_EVT_TICK, on_tick, NULL, l);
		if(rc != MOSQ_ERR_SUCCESS) mosquitto_callback_unregister(identifier, MOSQ_EVT_ACL_CHECK, on_acl_check, NULL);
	}
	if(rc != MOSQ_ERR_SUCCESS){
		free_limiter(l);
		return rc;
	}
	mosquitto_log_printf(MOSQ_LOG_NOTICE,
			"%s: each device may publish %g messages a minute, bursts of %g (%zu exempt user(s))",
			PLUGIN_NAME, l->per_minute, l->burst, l->exempt_count);
	*userdata = l;
	return MOSQ_ERR_SUCCESS;
}

int mosquitto_plugin_cleanup(void *userdata, struct mosquitto_opt *options, int option_count)
{
	struct limiter *l = userdata;
	(void)options;
	(void)option_count;
	if(!l) return MOSQ_ERR_SUCCESS;
	mosquitto_callback_unregister(l->id, MOSQ_EVT_ACL_CHECK, on_acl_check, NULL);
	mosquitto_callback_unregister(l->id, MOSQ_EVT_TICK, on_tick, NULL);
	free_limiter(l);
	return MOSQ_ERR_SUCCESS;
}
