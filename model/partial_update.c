#include "partial_update.h"

#include <stdio.h>

int model_update_given(struct model_ctx *m, const char *table, const char *key_column, const char *key,
		       const struct model_set *sets, int count, struct vl_err *err)
{
	for (int i = 0; i < count; i++) {
		char sql[256];

		if (sets[i].value == NULL)
			continue;
		snprintf(sql, sizeof(sql), "UPDATE %s SET %s WHERE %s=?2", table, sets[i].assignment, key_column);
		if (model_exec2(m, sql, sets[i].value, key, err) < 0)
			return -1;
	}
	return 0;
}
