/* SQLite backend of the store: WAL, foreign keys, a per-connection statement cache. */
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "schema_migrations.h"

#define STMT_CACHE_SIZE 96

struct store_stmt {
	const struct store_ops *ops; /* first: lets stmt_* find the vtable */
	sqlite3_stmt *handle;
	struct sqlite_store *owner;
	const char *sql; /* cache key: the caller's SQL text */
	unsigned hash;
	bool in_use;
	bool cached;
};

struct sqlite_store {
	struct store base;
	sqlite3 *db;
	struct store_stmt *cache[STMT_CACHE_SIZE];
	int cache_len;
};

static unsigned hash_sql(const char *s)
{
	unsigned h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static struct store_stmt *stmt_new(struct sqlite_store *st, const char *sql, unsigned hash)
{
	struct store_stmt *stmt = calloc(1, sizeof(*stmt));

	if (stmt == NULL)
		return NULL;
	if (sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt->handle, NULL) !=
	    SQLITE_OK) {
		free(stmt);
		return NULL;
	}
	stmt->ops = st->base.ops;
	stmt->owner = st;
	stmt->sql = sql;
	stmt->hash = hash;
	return stmt;
}

static int sq_prepare(struct store *base, const char *sql, struct store_stmt **out)
{
	struct sqlite_store *st = (struct sqlite_store *)base;
	unsigned hash = hash_sql(sql);
	struct store_stmt *stmt;

	for (int i = 0; i < st->cache_len; i++) {
		stmt = st->cache[i];
		if (!stmt->in_use && stmt->hash == hash && strcmp(stmt->sql, sql) == 0) {
			stmt->in_use = true;
			*out = stmt;
			return 0;
		}
	}
	stmt = stmt_new(st, sql, hash);
	if (stmt == NULL)
		return -1;
	stmt->in_use = true;
	/* only literal-lifetime SQL may be cached: keep our own copy of the key */
	if (st->cache_len < STMT_CACHE_SIZE) {
		char *copy = strdup(sql);

		if (copy != NULL) {
			stmt->sql = copy;
			stmt->cached = true;
			st->cache[st->cache_len++] = stmt;
		}
	}
	*out = stmt;
	return 0;
}

static int sq_bind_text(struct store_stmt *stmt, int index, const char *text)
{
	int rc = text ? sqlite3_bind_text(stmt->handle, index, text, -1, SQLITE_TRANSIENT)
		      : sqlite3_bind_null(stmt->handle, index);

	return rc == SQLITE_OK ? 0 : -1;
}

static int sq_bind_int64(struct store_stmt *stmt, int index, int64_t value)
{
	return sqlite3_bind_int64(stmt->handle, index, value) == SQLITE_OK ? 0 : -1;
}

static int sq_bind_null(struct store_stmt *stmt, int index)
{
	return sqlite3_bind_null(stmt->handle, index) == SQLITE_OK ? 0 : -1;
}

static enum store_step_result sq_step(struct store_stmt *stmt)
{
	switch (sqlite3_step(stmt->handle)) {
	case SQLITE_ROW:
		return STORE_ROW;
	case SQLITE_DONE:
		return STORE_DONE;
	case SQLITE_CONSTRAINT:
		return STORE_CONSTRAINT;
	default:
		return STORE_FAILED;
	}
}

static const char *sq_column_text(struct store_stmt *stmt, int col)
{
	const unsigned char *t = sqlite3_column_text(stmt->handle, col);

	return t ? (const char *)t : "";
}

static int64_t sq_column_int64(struct store_stmt *stmt, int col)
{
	return sqlite3_column_int64(stmt->handle, col);
}

static bool sq_column_is_null(struct store_stmt *stmt, int col)
{
	return sqlite3_column_type(stmt->handle, col) == SQLITE_NULL;
}

static void sq_release(struct store_stmt *stmt)
{
	sqlite3_reset(stmt->handle);
	sqlite3_clear_bindings(stmt->handle);
	if (stmt->cached) {
		stmt->in_use = false;
		return;
	}
	sqlite3_finalize(stmt->handle);
	free(stmt);
}

/*
 * Single statements (BEGIN, COMMIT, SAVEPOINT …) go through the statement cache: they run
 * on every request, and compiling them each time costs more than running them.
 */
static int sq_exec(struct store *base, const char *sql)
{
	struct sqlite_store *st = (struct sqlite_store *)base;
	struct store_stmt *stmt = NULL;
	enum store_step_result r;

	if (strchr(sql, ';') != NULL)
		return sqlite3_exec(st->db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
	if (sq_prepare(base, sql, &stmt) < 0)
		return -1;
	while ((r = sq_step(stmt)) == STORE_ROW)
		;
	sq_release(stmt);
	return r == STORE_DONE ? 0 : -1;
}

static const char *sq_errmsg(struct store *base)
{
	return sqlite3_errmsg(((struct sqlite_store *)base)->db);
}

static void sq_close(struct store *base)
{
	struct sqlite_store *st = (struct sqlite_store *)base;

	for (int i = 0; i < st->cache_len; i++) {
		sqlite3_finalize(st->cache[i]->handle);
		free((char *)st->cache[i]->sql);
		free(st->cache[i]);
	}
	sqlite3_close(st->db);
	free(st);
}

static void configure_sqlite(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
}

static const struct store_ops sqlite_ops = {
	.name = "sqlite",
	.prepare = sq_prepare,
	.bind_text = sq_bind_text,
	.bind_int64 = sq_bind_int64,
	.bind_null = sq_bind_null,
	.step = sq_step,
	.column_text = sq_column_text,
	.column_int64 = sq_column_int64,
	.column_is_null = sq_column_is_null,
	.release = sq_release,
	.exec = sq_exec,
	.errmsg = sq_errmsg,
	.close = sq_close,
};

/*
 * Process-wide SQLite settings, once: connections are never shared between threads at the
 * same time (NOMUTEX per connection), and the allocator's statistics are off because they
 * take a global mutex on every allocation, which serialises concurrent readers.
 */
static void configure_sqlite_once(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, configure_sqlite);
}

/*
 * The database holds every account's PSKs: a new one is created 0600 whatever the umask.
 * SQLite creates it 0644 (less the umask) and gives its -wal/-shm files the database's
 * mode, so creating the empty file first (an empty file is an empty database) is enough.
 * Existing files keep the mode their operator gave them.
 */
static int create_private(const char *path, struct vl_err *err)
{
	int fd;

	if (*path == '\0' || strcmp(path, ":memory:") == 0 || strncmp(path, "file:", 5) == 0)
		return 0;
	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return errno == EEXIST ? 0
				       : vl_err_set(err, VL_INTERNAL_ERROR, "cannot create database %s: %s",
						    path, strerror(errno));
	close(fd);
	return 0;
}

int store_open_sqlite(const char *path, bool read_only, struct store **out, struct vl_err *err)
{
	struct sqlite_store *st = calloc(1, sizeof(*st));
	int flags = read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;

	configure_sqlite_once();
	if (st == NULL)
		return vl_err_set(err, VL_INTERNAL_ERROR, "out of memory");
	st->base.ops = &sqlite_ops;
	flags |= SQLITE_OPEN_NOMUTEX;
	if (!read_only && create_private(path, err) < 0)
		goto fail;
	if (sqlite3_open_v2(path, &st->db, flags, "unix-excl") != SQLITE_OK) {
		vl_err_set(err, VL_INTERNAL_ERROR, "cannot open database %s: %s", path,
			   st->db ? sqlite3_errmsg(st->db) : "out of memory");
		goto fail;
	}
	sqlite3_busy_timeout(st->db, 10000);
	/*
	 * synchronous=FULL: a commit is on disk before the request is acknowledged; the
	 * writer batches concurrent requests into one commit so this stays fast.
	 */
	if (sq_exec(&st->base, read_only ? "PRAGMA foreign_keys=ON; PRAGMA query_only=ON;"
					 : "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
					   "PRAGMA foreign_keys=ON;") < 0) {
		vl_err_set(err, VL_INTERNAL_ERROR, "cannot configure database %s: %s", path,
			   sqlite3_errmsg(st->db));
		goto fail;
	}
	*out = &st->base;
	return 0;
fail:
	sqlite3_close(st->db);
	free(st);
	return -1;
}

int store_migrate(struct store *base, struct vl_err *err)
{
	struct sqlite_store *st = (struct sqlite_store *)base;
	sqlite3_stmt *stmt = NULL;
	int applied = 0;

	if (sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &stmt, NULL) != SQLITE_OK ||
	    sqlite3_step(stmt) != SQLITE_ROW) {
		sqlite3_finalize(stmt);
		return vl_err_set(err, VL_INTERNAL_ERROR, "cannot read schema version: %s",
				  sqlite3_errmsg(st->db));
	}
	applied = sqlite3_column_int(stmt, 0);
	sqlite3_finalize(stmt);
	if (applied > schema_migration_count)
		return vl_err_set(err, VL_INTERNAL_ERROR,
				  "database schema version %d is newer than this server (%d)",
				  applied, schema_migration_count);
	for (int i = applied; i < schema_migration_count; i++) {
		char version_sql[64];

		snprintf(version_sql, sizeof(version_sql), "PRAGMA user_version=%d", i + 1);
		if (sq_exec(base, "BEGIN IMMEDIATE") < 0 ||
		    sq_exec(base, schema_migrations[i].sql) < 0 || sq_exec(base, version_sql) < 0 ||
		    sq_exec(base, "COMMIT") < 0) {
			vl_err_set(err, VL_INTERNAL_ERROR, "migration %s failed: %s",
				   schema_migrations[i].name, sqlite3_errmsg(st->db));
			sq_exec(base, "ROLLBACK");
			return -1;
		}
	}
	return 0;
}
