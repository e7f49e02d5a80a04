/* The Alibaba RPC front door and the response envelope shared with REST. */
#include <string.h>
#include <time.h>

#include "auth.h"
#include "ids.h"
#include "server.h"

static const char *host_id(const char *version)
{
	return version && strcmp(version, "2017-09-12") == 0 ? "cbn.aliyuncs.com" : "vpc.aliyuncs.com";
}

static const char *product(const char *version)
{
	return version && strcmp(version, "2017-09-12") == 0 ? "Cbn" : "Vpc";
}

void reply_error(struct reply *reply, const struct vl_err *err, const char *version)
{
	char recommend[512], message[sizeof(err->message)];

	/* codes and messages may quote request bytes: keep the answer valid JSON */
	snprintf(reply->code, sizeof(reply->code), "%s", vl_err_code(err));
	snprintf(message, sizeof(message), "%s", vl_err_message(err));
	utf8_scrub(reply->code);
	utf8_scrub(message);
	snprintf(recommend, sizeof(recommend),
		 "https://api.aliyun.com/troubleshoot?q=%s&product=%s&requestId=%s", reply->code,
		 product(version), reply->request_id);
	json_decref(reply->body);
	reply->http_status = vl_code_http_status(err->code);
	reply->body = json_pack("{s:s, s:s, s:s, s:s, s:s}", "RequestId", reply->request_id, "HostId",
				host_id(version), "Code", reply->code, "Message", message,
				"Recommend", recommend);
}

void reply_success(struct reply *reply, json_t *fields, int http_status)
{
	json_t *body = json_pack("{s:s}", "RequestId", reply->request_id);

	json_object_update(body, fields);
	json_decref(fields);
	json_decref(reply->body);
	reply->body = body;
	reply->http_status = http_status;
	snprintf(reply->code, sizeof(reply->code), "OK");
}

/* Query parameters first, then the form body: lookups take the last, so a body value wins. */
static int merge_params(const struct vl_request *req, struct kvlist *params)
{
	for (size_t i = 0; i < req->query.len; i++)
		if (kvlist_add_str(params, req->query.items[i].name, req->query.items[i].value) < 0)
			return -1;
	for (size_t i = 0; i < req->form.len; i++)
		if (kvlist_add_str(params, req->form.items[i].name, req->form.items[i].value) < 0)
			return -1;
	return 0;
}

void rpc_handle(struct server *srv, struct vl_request *req, struct reply *reply)
{
	struct kvlist params;
	struct vl_err err;
	const char *action_name, *version;
	const struct action *a;
	json_t *fields = NULL;

	kvlist_init(&params);
	vl_err_clear(&err);
	if (strcmp(req->method, "GET") != 0 && strcmp(req->method, "POST") != 0) {
		vl_err_set(&err, VL_UNSUPPORTED_HTTP_METHOD, NULL);
		goto fail_early;
	}
	if (merge_params(req, &params) < 0) {
		vl_err_set(&err, VL_INTERNAL_ERROR, NULL);
		goto fail_early;
	}
	action_name = kvlist_get(&params, "Action");
	if (action_name == NULL || *action_name == '\0')
		action_name = kvlist_get_ci(&req->headers, "x-acs-action");
	version = kvlist_get(&params, "Version");
	if (version == NULL || *version == '\0')
		version = kvlist_get_ci(&req->headers, "x-acs-version");
	if (action_name == NULL || *action_name == '\0') {
		vl_err_set_code(&err, VL_MISSING_PARAMETER, "MissingAction", "Action is mandatory for this action.");
		goto fail_early;
	}
	snprintf(reply->action, sizeof(reply->action), "%s", action_name);
	utf8_scrub(reply->action);
	if (version == NULL || *version == '\0') {
		vl_err_set_code(&err, VL_MISSING_PARAMETER, "MissingVersion", "Version is mandatory for this action.");
		goto fail_early;
	}
	if (!api_version_known(version)) {
		vl_err_set(&err, VL_INVALID_VERSION, NULL);
		goto fail_early;
	}
	a = action_find(version, action_name);
	if (a == NULL) {
		vl_err_set(&err, VL_API_NOT_FOUND, NULL);
		goto fail;
	}
	if (action_check_unique_names(&params, &err) < 0 ||
	    auth_for_action(srv->auth, a, req, &params, reply->account, sizeof(reply->account), &err) < 0)
		goto fail;
	fields = json_object();
	if (engine_execute(srv->engine, a, &params, reply->account, fields, &err) < 0)
		goto fail;
	reply_success(reply, fields, 200);
	kvlist_free(&params);
	return;
fail_early:
	version = NULL;
fail:
	json_decref(fields);
	reply_error(reply, &err, version);
	kvlist_free(&params);
}
