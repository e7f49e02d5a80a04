#ifndef VL_LIST_H
#define VL_LIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * List parameters, flattened the way the SDKs flatten lists (RPC form and query) and the
 * way the REST front door flattens a JSON array: Name.1, Name.2 (scalar items) or
 * Name.1.Key, Name.1.Value (items with fields), and a field that is itself a list,
 * Name.1.Value.1 (Filter.N.Value.M, RouteFilter.N.Value.M).  N (and M) are 1..max_items,
 * decimal without leading zeros.  One reader for every such list, whether the names come
 * from a request (server/action.c) or from a model caller's name/value pairs.
 */

enum list_value_type {
	LIST_TEXT,    /* min..max characters of UTF-8 (0,0: any) */
	LIST_INTEGER, /* a decimal integer in min..max (0,0: any) */
};

struct list_spec;

/* The rule of one list field. */
struct list_field {
	enum list_value_type type;
	int64_t min, max;
	/* non-NULL: the field is a list itself (Field.M, scalar items; its rules[0] checks the values) */
	const struct list_spec *values;
	/*
	 * With values: a Field.M whose M is malformed or out of range is handed over with
	 * m = -1 instead of stopping the walk, for a caller whose documented error order
	 * ranks that fault after others (RouteFilter: the keys first).
	 */
	bool bad_index_to_caller;
};

struct list_spec {
	int max_items;
	const char *const *fields; /* NULL-terminated item field names; NULL: scalar items */
	/*
	 * What each field holds, in the order of fields (scalar items: rules[0]); NULL: any
	 * text.  The walk checks every value against its rule, so a list's field is
	 * validated in one place.
	 */
	const struct list_field *rules;
	/*
	 * Records whose leaves the caller matches itself (TunnelOptionsSpecification.N.…):
	 * Name.N.<leaf> with a leaf none of fields names is handed over with field = -1
	 * instead of being LIST_BAD_NAME.
	 */
	bool open_fields;
};

/* What list_read found wrong with a list parameter's name or value. */
enum list_fault {
	LIST_OK,
	LIST_BAD_NAME,	 /* Name.x, Name.0, Name.01, Name.1.Unknown, Name.1 for an item with fields … */
	LIST_TOO_MANY,	 /* N above max_items */
	LIST_BAD_VALUE,	 /* a value its field's rule refuses */
	LIST_BAD_NESTED, /* Name.N.Field.M with M not 1..max_items of the field's list, or no M */
};

/* One value of a list, as list_read hands it over. */
struct list_item {
	int n;	   /* 1..max_items */
	int field; /* index in spec->fields; 0 for scalar items; -1 see open_fields */
	int m;	   /* the field's own item (Field.M), 1..; 0 when the field is no list; -1 see bad_index_to_caller */
	const char *name, *value; /* borrowed from the source */
	const char *leaf;	  /* items with fields: the name after "Name.N." */
};

/* Name/value pairs to read lists from: a request's parameters, an array of pairs … */
struct list_source {
	const void *pairs;
	size_t count;
	/* The i-th pair's name and value (borrowed). */
	void (*at)(const void *pairs, size_t i, const char **name, const char **value);
};

/*
 * Walks the items of list parameter name (items as spec says) in src, in src order,
 * calling item(arg, the item) for each value; an item callback that returns -1 stops the
 * walk (-1 returned).  A malformed name of the list, or a value its field's rule refuses,
 * stops the walk too: returns the fault with *offender = that name (borrowed from src),
 * before any later name is looked at; the caller picks its error code.  Names that are not
 * of this list (Name itself, NameOther.1) are skipped.  Returns LIST_OK (0) when the walk
 * ended.
 */
int list_read(const struct list_source *src, const char *name, const struct list_spec *spec,
	      int (*item)(void *arg, const struct list_item *it), void *arg, const char **offender);

#endif
