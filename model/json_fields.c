#include "json_fields.h"

#include "model.h"

void json_put_fields(json_t *obj, const struct json_field *fields, int count)
{
	for (int i = 0; i < count; i++) {
		switch (fields[i].type) {
		case JSON_FIELD_TEXT:
			json_put_str(obj, fields[i].key, fields[i].text);
			break;
		case JSON_FIELD_INT:
			json_put_int(obj, fields[i].key, fields[i].number);
			break;
		case JSON_FIELD_BOOL:
			json_put_bool(obj, fields[i].key, fields[i].number != 0);
			break;
		}
	}
}
