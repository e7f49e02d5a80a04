/* The one reader of Name.N / Name.N.Field / Name.N.Field.M lists (list.h). */
#include "list.h"

#include <stdlib.h>
#include <string.h>

#include "text.h"

/*
 * Reads the index at *p (1..max, decimal without leading zero), advancing *p past it.
 * LIST_OK, LIST_BAD_NAME (no index) or LIST_TOO_MANY (out of range).
 */
static int list_index(const char **p, int max, long *out)
{
	char *end = NULL;

	if (**p < '1' || **p > '9')
		return LIST_BAD_NAME;
	*out = strtol(*p, &end, 10);
	*p = end;
	return *out < 1 || *out > max ? LIST_TOO_MANY : LIST_OK;
}

/* True when value keeps rule (NULL: any text). */
static bool list_value_ok(const struct list_field *rule, const char *value)
{
	int64_t number;
	long chars;

	if (rule == NULL)
		return true;
	if (rule->type == LIST_INTEGER)
		return text_int64(value, &number) &&
		       (!(rule->min || rule->max) || (number >= rule->min && number <= rule->max));
	if (!(rule->min || rule->max))
		return true;
	chars = text_chars(value);
	return chars >= rule->min && (!rule->max || chars <= rule->max);
}

/* Finds the field of spec that rest (after "Name.N.") names; -1 when none. */
static int list_field_of(const struct list_spec *spec, const char *rest, const char **after)
{
	for (int f = 0; spec->fields[f]; f++) {
		size_t len = strlen(spec->fields[f]);
		const struct list_field *rule = spec->rules ? &spec->rules[f] : NULL;

		if (strncmp(rest, spec->fields[f], len) != 0)
			continue;
		if (rest[len] == '\0' || (rest[len] == '.' && rule && rule->values)) {
			*after = rest + len;
			return f;
		}
	}
	return -1;
}

int list_read(const struct list_source *src, const char *name, const struct list_spec *spec,
	      int (*item)(void *arg, const struct list_item *it), void *arg, const char **offender)
{
	size_t plen = strlen(name);

	for (size_t i = 0; i < src->count; i++) {
		const char *pname = NULL, *pvalue = NULL, *rest;
		const struct list_field *rule = spec->rules;
		struct list_item it;
		long n, m;
		int fault;

		src->at(src->pairs, i, &pname, &pvalue);
		it = (struct list_item){ 0, 0, 0, pname, pvalue ? pvalue : "", NULL };
		if (pname == NULL || strncmp(pname, name, plen) != 0 || pname[plen] != '.')
			continue;
		*offender = pname;
		rest = pname + plen + 1;
		if ((fault = list_index(&rest, spec->max_items, &n)) != LIST_OK)
			return fault;
		it.n = (int)n;
		if (spec->fields == NULL) {
			if (*rest != '\0')
				return LIST_BAD_NAME;
		} else {
			if (*rest != '.')
				return LIST_BAD_NAME;
			it.leaf = ++rest;
			if ((it.field = list_field_of(spec, rest, &rest)) >= 0) {
				rule = spec->rules ? &spec->rules[it.field] : NULL;
			} else {
				if (!spec->open_fields)
					return LIST_BAD_NAME;
				rest += strlen(rest);
				rule = NULL;
			}
		}
		if (rule && rule->values) {
			/* Field.M: the field is a list of its own */
			if (*rest != '.')
				return LIST_BAD_NESTED;
			rest++;
			if (list_index(&rest, rule->values->max_items, &m) != LIST_OK || *rest != '\0') {
				if (!rule->bad_index_to_caller)
					return LIST_BAD_NESTED;
				m = -1;
			}
			it.m = (int)m;
			rule = m < 0 ? NULL : rule->values->rules;
		}
		if (!list_value_ok(rule, it.value))
			return LIST_BAD_VALUE;
		if (item(arg, &it) < 0)
			return -1;
	}
	*offender = NULL;
	return LIST_OK;
}
