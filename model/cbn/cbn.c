/* The helpers every CBN file shares (declared in cbn.h). */
#include "cbn.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "tag.h"


void cbn_format_time(int64_t ms, char *buf, unsigned long size)
{
	time_t secs = (time_t)(ms / 1000);
	struct tm tm;

	gmtime_r(&secs, &tm);
	strftime(buf, size, "%Y-%m-%dT%H:%MZ", &tm);
}

int cbn_check_text(const char *value, long max, const char *param, struct vl_err *err)
{
	char code[96];

	if (value == NULL || value[0] == '\0')
		return 0;
	if (text_valid_label(value, 1, max))
		return 0;
	snprintf(code, sizeof(code), "IllegalParam.%s", param);
	return vl_err_set_code(err, VL_CEN_ILLEGAL_PARAM, code, "The specified %s is illegal.", param);
}

json_t *cbn_tags_flat(struct model_ctx *m, const char *resource_id)
{
	json_t *wrapped = tag_to_json(m, resource_id), *list;

	if (wrapped == NULL)
		return NULL;
	list = json_object_get(wrapped, "Tag");
	list = list ? json_incref(list) : json_array();
	json_decref(wrapped);
	return list;
}

static void cbn_param_pair(const void *pairs, size_t i, const char **name, const char **value)
{
	const struct cbn_param *p = pairs;

	*name = p[i].name;
	*value = p[i].value;
}

struct list_source cbn_params_source(const struct cbn_param *params, size_t count)
{
	return (struct list_source){ params, count, cbn_param_pair };
}
