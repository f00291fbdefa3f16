/* Postamt plugin ABI: the only thing that crosses between postamtd and a plugin.
 *
 * Plain C types only, so a plugin built out of tree (another compiler flag set,
 * another C++ standard) cannot disagree with the host about a layout. C++
 * plugin authors use the adapters in <postamt/sdk/...> instead of this file.
 *
 * Versioning: the host refuses a plugin whose abi_major differs from its own,
 * naming the file and both versions. abi_minor grows when fields are appended;
 * every struct carries its `size` so either side can tell which fields exist.
 *
 * Errors: functions return a postamt_status; on anything but POSTAMT_OK they may
 * write one line of text into the caller's postamt_error. No C++ exception may
 * leave a plugin function (all function pointers here are noexcept). */
#ifndef POSTAMT_ABI_H
#define POSTAMT_ABI_H

#include <stddef.h>
#include <stdint.h>

#define POSTAMT_ABI_MAJOR 1u
#define POSTAMT_ABI_MINOR 3u
#define POSTAMT_PLUGIN_ENTRY_SYMBOL "postamt_plugin_entry"

#ifdef __cplusplus
#define POSTAMT_NOEXCEPT noexcept
extern "C" {
#else
#define POSTAMT_NOEXCEPT
#endif

typedef enum postamt_status {
  POSTAMT_OK = 0,
  POSTAMT_NOT_FOUND = 1,   /* no such user, maildrop or message */
  POSTAMT_DENIED = 2,      /* wrong credentials, disabled user */
  POSTAMT_IN_USE = 3,      /* maildrop locked by another session */
  POSTAMT_TEMP_FAIL = 4,   /* may work on retry: database down, busy */
  POSTAMT_PERM_FAIL = 5,   /* will not work on retry: bad config, corrupt data */
  POSTAMT_UNSUPPORTED = 6, /* this plugin does not offer the operation */
  POSTAMT_EXISTS = 7       /* the thing to create is already there */
} postamt_status;

/* Caller-owned buffer for one line of error text; the callee writes at most
 * capacity-1 bytes and a terminating NUL. */
typedef struct postamt_error {
  char* text;
  size_t capacity;
} postamt_error;

/* An instance's settings: the config keys below `<kind>.<instance>.`, with that
 * prefix removed ("store.main.path" arrives as "path"). Valid during create(). */
typedef struct postamt_setting {
  const char* key;
  const char* value;
} postamt_setting;

typedef struct postamt_settings {
  const postamt_setting* items;
  size_t count;
} postamt_settings;

/* A user's maildrop address, already resolved to its tenant by the host.
 * `address` is "local@domain" in lower case. Valid for the duration of a call. */
typedef struct postamt_mailbox {
  int64_t tenant_id;
  const char* address;
  const char* local_part;
  const char* domain;
} postamt_mailbox;

typedef enum postamt_log_level {
  POSTAMT_LOG_ERROR = 3,
  POSTAMT_LOG_WARNING = 4,
  POSTAMT_LOG_INFO = 6,
  POSTAMT_LOG_DEBUG = 7
} postamt_log_level;

/* Services the host offers to plugins. Thread-safe; valid until the plugin's
 * instances are destroyed. */
typedef struct postamt_host_api {
  uint32_t size;
  void (*log)(postamt_log_level level, const char* source, const char* message) POSTAMT_NOEXCEPT;
  /* Checks a password against a stored hash in Dovecot's "{SCHEME}hash"
   * notation. POSTAMT_OK on match, POSTAMT_DENIED on mismatch,
   * POSTAMT_UNSUPPORTED for an unknown scheme. */
  postamt_status (*verify_password)(const char* stored, const char* password, size_t password_length) POSTAMT_NOEXCEPT;
  /* Hashes a password into "{SCHEME}hash"; scheme NULL means the host default. */
  postamt_status (*hash_password)(const char* scheme, const char* password, size_t password_length, char* out, size_t out_capacity,
                                  postamt_error* error) POSTAMT_NOEXCEPT;
} postamt_host_api;

/* A message being delivered or imported, already CRLF-normalised by the host:
 * `size` octets readable at any offset, any number of times, during the
 * deliver() or import_message() call. */
typedef struct postamt_message_source {
  uint64_t size;
  void* context;
  postamt_status (*read)(void* context, uint64_t offset, char* buffer, size_t capacity, size_t* got) POSTAMT_NOEXCEPT;
} postamt_message_source;

typedef void (*postamt_listing_fn)(void* context, const char* uidl, uint64_t size) POSTAMT_NOEXCEPT;
typedef void (*postamt_user_fn)(void* context, const char* address, int enabled) POSTAMT_NOEXCEPT;

/* ABI 1.2: what a tenant's policy asks of a maildrop as it opens (its
 * `retention` and `keep_on_server` hooks). A zero field asks nothing. */
typedef struct postamt_maildrop_rules {
  uint32_t size;
  int64_t expire_after_days;   /* messages received longer ago than this are purged */
  uint64_t expire_larger_than; /* ... if larger than this many octets (0: of any size) */
  int64_t keep_deleted_days;   /* DELE+QUIT hides a message for this many days, restorable, then purges it */
  int64_t keep_retrieved_days; /* a message is purged this many days after it was first retrieved, DELE or not */
  int32_t expire_retrieved_only; /* 1: expire_after_days applies only to messages already retrieved */
} postamt_maildrop_rules;

/* A store keeps maildrops. One instance serves all sessions and must be
 * thread-safe; a maildrop handle is used by one thread at a time, from
 * open_maildrop() until close_maildrop(). */
typedef struct postamt_store_api {
  uint32_t size;
  void* (*create)(const postamt_host_api* host, const postamt_settings* settings, postamt_error* error)POSTAMT_NOEXCEPT;
  void (*destroy)(void* instance) POSTAMT_NOEXCEPT;
  /* Takes the exclusive maildrop lock (RFC 1939 section 8) for `lock_holder`
   * and fixes the listing the session will see. POSTAMT_IN_USE when another
   * session holds the lock. A missing maildrop opens empty. */
  postamt_status (*open_maildrop)(void* instance, const postamt_mailbox* mailbox, const char* lock_holder, void** maildrop,
                                  postamt_error* error)POSTAMT_NOEXCEPT;
  /* Calls `each` once per message, in the order fixed at open: that order is
   * the message numbering (index 0 = message 1). Sizes are exact octets. */
  postamt_status (*list)(void* maildrop, postamt_listing_fn each, void* context, postamt_error* error) POSTAMT_NOEXCEPT;
  /* Reads up to `capacity` octets of message `index` from `offset`; *got = 0 at the end. */
  postamt_status (*read)(void* maildrop, size_t index, uint64_t offset, char* buffer, size_t capacity, size_t* got,
                         postamt_error* error)POSTAMT_NOEXCEPT;
  /* The UPDATE state: removes the given messages all together or none of them. */
  postamt_status (*expunge)(void* maildrop, const size_t* indexes, size_t count, postamt_error* error) POSTAMT_NOEXCEPT;
  /* Releases the lock and the handle; applies nothing. */
  void (*close_maildrop)(void* maildrop) POSTAMT_NOEXCEPT;
  /* Stores one message for each recipient (all of one tenant) durably before
   * returning; results[i] is the outcome for recipients[i]. */
  postamt_status (*deliver)(void* instance, const postamt_mailbox* recipients, size_t count,
                            const postamt_message_source* message, postamt_status* results, postamt_error* error)POSTAMT_NOEXCEPT;
  /* ABI 1.1, optional: NULL, or a `size` that ends before it, means the store
   * cannot import. Appends one message as deliver() does, but under the
   * caller's `uidl` (RFC 1939 section 7: 1 to 70 octets 0x21-0x7E), so that a
   * maildrop moved from another server keeps the UIDLs its clients have seen.
   * `received_at` is seconds since the epoch. POSTAMT_EXISTS, with nothing
   * stored, when the maildrop already has a message with that UIDL; UIDLs the
   * store makes later for delivered messages never collide with imported ones. */
  postamt_status (*import_message)(void* instance, const postamt_mailbox* mailbox, const char* uidl, int64_t received_at,
                                   const postamt_message_source* message, postamt_error* error)POSTAMT_NOEXCEPT;
  /* ABI 1.2, optional: how many messages and octets one maildrop holds
   * (`mailbox` not NULL) or all maildrops of tenant `tenant_id` together
   * (`mailbox` NULL), for quotas. */
  postamt_status (*usage)(void* instance, int64_t tenant_id, const postamt_mailbox* mailbox, uint64_t* messages,
                          uint64_t* octets, postamt_error* error)POSTAMT_NOEXCEPT;
  /* ABI 1.2, optional: open_maildrop under a policy's rules. Under the lock,
   * before the listing is fixed, the store purges the messages the rules
   * expire and the hidden ones whose days are over. Hidden messages are never
   * listed; with keep_deleted_days, expunge() hides instead of removing.
   * POSTAMT_UNSUPPORTED, with no lock taken, means the same as NULL: the host
   * opens plainly (a decorator answers so over a store without rules). */
  postamt_status (*open_maildrop_ruled)(void* instance, const postamt_mailbox* mailbox, const char* lock_holder,
                                        const postamt_maildrop_rules* rules, void** maildrop, postamt_error* error)POSTAMT_NOEXCEPT;
  /* ABI 1.2, optional: makes every hidden message of the maildrop listed
   * again; *restored is how many. */
  postamt_status (*restore)(void* instance, const postamt_mailbox* mailbox, uint64_t* restored, postamt_error* error) POSTAMT_NOEXCEPT;
  /* ABI 1.2, optional: the session sent message `index` whole (RETR), for the
   * rules on retrieved messages. The store may record it when the maildrop
   * closes; a failure to record is the store's to log. */
  void (*mark_retrieved)(void* maildrop, size_t index) POSTAMT_NOEXCEPT;
} postamt_store_api;

/* ABI 1.3, optional: a store decorator wraps another store instance, which
 * the config names (`store.NAME.wraps = OTHER`), without that store knowing:
 * an audit trail, a quota or a cache as a layer, not a case inside the store.
 * create() gets its settings and the wrapped instance (`inner_api` and
 * `inner_instance`); the host then uses the returned instance through `store`
 * exactly as a store instance, under the same threading rules, but never
 * calls store->create or store->destroy (they may be NULL).
 *
 * Lifetime: the wrapped instance is created before its decorator and
 * destroyed after it, so inner_api and inner_instance are valid from create()
 * until destroy(). Never call inner_api->create or ->destroy: the host owns
 * the wrapped instance, which tenants may also use directly or other
 * decorators wrap too. A maildrop handle the decorator opens on the wrapped
 * store is the decorator's to close (inner_api->close_maildrop); the host
 * sees only the decorator's own handles.
 * Threads: the decorator may call the wrapped instance from any thread it is
 * itself called on; a wrapped maildrop handle, like any, is used by one
 * thread at a time.
 * Reading inner_api: it is a table like any other (the wrapped store may be
 * an older plugin or itself a decorator): read an optional field only when
 * `size` covers it and it is not NULL.
 * Errors: create() returns NULL, with one line in `error`, to fail the start.
 * A failure of the wrapped store is passed on with its status. */
typedef struct postamt_store_decorator_api {
  uint32_t size;
  void* (*create)(const postamt_host_api* host, const postamt_settings* settings, const postamt_store_api* inner_api,
                  void* inner_instance, postamt_error* error)POSTAMT_NOEXCEPT;
  void (*destroy)(void* instance) POSTAMT_NOEXCEPT;
  const postamt_store_api* store; /* the decorator's calls; create and destroy are not used */
} postamt_store_decorator_api;

/* An authentication source. One instance serves all sessions and must be
 * thread-safe. Management functions may be NULL for a read-only source. */
typedef struct postamt_auth_api {
  uint32_t size;
  void* (*create)(const postamt_host_api* host, const postamt_settings* settings, postamt_error* error)POSTAMT_NOEXCEPT;
  void (*destroy)(void* instance) POSTAMT_NOEXCEPT;
  /* POSTAMT_OK, POSTAMT_DENIED (wrong password or disabled), POSTAMT_NOT_FOUND, POSTAMT_TEMP_FAIL. */
  postamt_status (*verify_password)(void* instance, const postamt_mailbox* user, const char* password, size_t password_length,
                                    postamt_error* error)POSTAMT_NOEXCEPT;
  /* POSTAMT_OK for an enabled user, POSTAMT_DENIED for a disabled one, POSTAMT_NOT_FOUND. */
  postamt_status (*lookup)(void* instance, const postamt_mailbox* user, postamt_error* error) POSTAMT_NOEXCEPT;
  postamt_status (*add_user)(void* instance, const postamt_mailbox* user, const char* password, postamt_error* error) POSTAMT_NOEXCEPT;
  postamt_status (*set_password)(void* instance, const postamt_mailbox* user, const char* password, postamt_error* error) POSTAMT_NOEXCEPT;
  postamt_status (*set_enabled)(void* instance, const postamt_mailbox* user, int enabled, postamt_error* error) POSTAMT_NOEXCEPT;
  postamt_status (*delete_user)(void* instance, const postamt_mailbox* user, postamt_error* error) POSTAMT_NOEXCEPT;
  postamt_status (*list_users)(void* instance, int64_t tenant_id, postamt_user_fn each, void* context, postamt_error* error) POSTAMT_NOEXCEPT;
  /* ABI 1.2, optional: NULL, or a `size` that ends before it, means the source
   * gives out no stored secrets, so SASL mechanisms that check a proof against
   * one (SCRAM, RFC 5802) fail for its users as a wrong password does. Writes
   * the user's stored password as verify_password would check it ("{SCHEME}...",
   * NUL-terminated) into `out`. POSTAMT_OK for an enabled user, POSTAMT_DENIED
   * for a disabled one, POSTAMT_NOT_FOUND; POSTAMT_PERM_FAIL when it does not
   * fit in `capacity`. */
  postamt_status (*fetch_credentials)(void* instance, const postamt_mailbox* user, char* out, size_t capacity,
                                      postamt_error* error)POSTAMT_NOEXCEPT;
} postamt_auth_api;

/* ABI 1.2. What happened, for event subscribers (metrics, audit logs,
 * billing). Strings are never NULL ("" when unknown) and valid during
 * on_event() only. No event ever carries a password or token. */
typedef enum postamt_event_type {
  POSTAMT_EVENT_CONNECTION_OPENED = 1,
  POSTAMT_EVENT_CONNECTION_CLOSED = 2,
  POSTAMT_EVENT_AUTH_SUCCEEDED = 3,
  POSTAMT_EVENT_AUTH_FAILED = 4,   /* status: DENIED, IN_USE, TEMP_FAIL or PERM_FAIL; detail: why, as logged */
  POSTAMT_EVENT_MAILDROP_OPENED = 5, /* count, octets: the listing */
  POSTAMT_EVENT_MESSAGE_RETRIEVED = 6, /* uidl, octets sent (RETR or TOP) */
  POSTAMT_EVENT_MESSAGE_DELETED = 7,   /* uidl, octets: removed by UPDATE */
  POSTAMT_EVENT_UPDATE_COMMITTED = 8,  /* count, octets: what UPDATE removed */
  POSTAMT_EVENT_MESSAGE_DELIVERED = 9, /* user: the recipient; octets */
  POSTAMT_EVENT_QUOTA_REFUSED = 10     /* user: the recipient; detail: the reply */
} postamt_event_type;

typedef struct postamt_event {
  uint32_t size;
  postamt_event_type type;
  uint64_t session;           /* numbers the connections of one postamtd run, from 1 */
  int64_t time_usec;          /* when, in microseconds since the epoch */
  const char* listener;       /* the listener's name from the config ("pop3", "lmtp") */
  const char* remote_address; /* the peer's IP address */
  int tls;                    /* 1 when the connection is encrypted */
  int64_t tenant_id;          /* 0 before the tenant is known */
  const char* tenant;
  const char* user;           /* "local@domain" */
  const char* uidl;
  uint64_t octets;
  uint64_t count;
  const char* detail;
  postamt_status status;
} postamt_event;

/* ABI 1.2. An event subscriber. The host calls on_event() from one thread per
 * instance, in the order the events happened, so an instance needs no locking
 * of its own. A slow subscriber never blocks a session: the host queues a
 * bounded number of events per instance and drops (and counts) what does not
 * fit. */
typedef struct postamt_events_api {
  uint32_t size;
  void* (*create)(const postamt_host_api* host, const postamt_settings* settings, postamt_error* error)POSTAMT_NOEXCEPT;
  void (*destroy)(void* instance) POSTAMT_NOEXCEPT;
  void (*on_event)(void* instance, const postamt_event* event) POSTAMT_NOEXCEPT;
} postamt_events_api;
/* ABI 1.2: one named value of a policy's arguments or of its decision. */
typedef enum postamt_value_kind {
  POSTAMT_VALUE_BOOLEAN = 1, /* integer is 0 or 1 */
  POSTAMT_VALUE_INTEGER = 2,
  POSTAMT_VALUE_STRING = 3 /* string is NUL-terminated */
} postamt_value_kind;

typedef struct postamt_value {
  const char* name;
  postamt_value_kind kind;
  int64_t integer;
  const char* string;
} postamt_value;

typedef struct postamt_values {
  const postamt_value* items;
  size_t count;
} postamt_values;

typedef void (*postamt_value_fn)(void* context, const postamt_value* value) POSTAMT_NOEXCEPT;

/* ABI 1.2: a tenant's policy script as the host's directory holds it. A new
 * `version` means new text; the plugin may cache whatever it derives from
 * (tenant_id, version). Valid for the duration of a call. */
typedef struct postamt_policy_script {
  int64_t tenant_id;
  const char* tenant;
  int64_t version;
  const char* text;
  size_t length;
} postamt_policy_script;

/* ABI 1.2, optional: a policy decides, per tenant, what the host asks at its
 * hooks ("login", "quota", "deliver"). One instance serves every session and
 * must be thread-safe; a call must end in bounded time and memory whatever
 * the script does. */
typedef struct postamt_policy_api {
  uint32_t size;
  void* (*create)(const postamt_host_api* host, const postamt_settings* settings, postamt_error* error)POSTAMT_NOEXCEPT;
  void (*destroy)(void* instance) POSTAMT_NOEXCEPT;
  /* Runs `hook` of `script` with `arguments` and calls `each` once per value
   * of its decision. POSTAMT_NOT_FOUND when the script has no such hook (the
   * host then decides as if there were no policy); POSTAMT_PERM_FAIL, with
   * the reason, when the script does not compile, raises, runs out of its
   * budget or memory, or returns something that is not a decision (the host
   * then applies the tenant's fallback for the hook). */
  postamt_status (*decide)(void* instance, const postamt_policy_script* script, const char* hook,
                           const postamt_values* arguments, postamt_value_fn each, void* context,
                           postamt_error* error)POSTAMT_NOEXCEPT;
} postamt_policy_api;

/* What a plugin shared object describes about itself. A plugin offers one or
 * more kinds; the pointers of the kinds it does not offer are NULL. A plugin
 * offering both `store` and `store_decorator` is a decorator where the config
 * gives its instance `wraps`, a plain store where it does not. */
typedef struct postamt_plugin {
  uint32_t abi_major;
  uint32_t abi_minor;
  uint32_t size;
  const char* name;    /* unique, e.g. "store-sqlite"; matches the file name */
  const char* version; /* the plugin's own version, for logs */
  const postamt_store_api* store;
  const postamt_auth_api* auth;
  const postamt_policy_api* policy; /* ABI 1.2; absent (by `size`) in older plugins */
  const postamt_events_api* events; /* ABI 1.2 */
  const postamt_store_decorator_api* store_decorator; /* ABI 1.3 */
} postamt_plugin;

/* The one symbol every plugin exports. Called once, right after loading. */
typedef const postamt_plugin* (*postamt_plugin_entry_fn)(void);

#ifdef __cplusplus
}
#endif

#endif
