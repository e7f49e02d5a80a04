#ifndef VL_SCHEMA_MIGRATIONS_H
#define VL_SCHEMA_MIGRATIONS_H

/* The SQL migrations of schema/, embedded at build time in file-name order. */
struct schema_migration {
	const char *name;
	const char *sql;
};

extern const struct schema_migration schema_migrations[];
extern const int schema_migration_count;

#endif
