// Fixed-signature wrappers over libcurl, which is loaded with dlopen on first use.
//
// Why a C target: curl_easy_setopt, curl_easy_getinfo and curl_multi_setopt are variadic, and
// Swift cannot call variadic C functions. Why dlopen: a statement that makes no call must not
// pay for loading libcurl and its ~30 libraries (OpenSSL among them) at process start, and a
// machine without libcurl must get one clear error instead of a binary that does not start.
// Only libcurl's headers are needed to build (Debian: libcurl4-openssl-dev); nothing links it.
#ifndef CCURL_H
#define CCURL_H

#define CURL_DISABLE_TYPECHECK 1
#include <curl/curl.h>
#include <stddef.h>

/// Loads libcurl (the first of `paths` that opens; `count` 0 means the system's usual names)
/// and runs curl_global_init, once per process. Returns 0 when libcurl is ready; otherwise
/// writes the reason (the loader's message, or the missing function) into `error`. Safe to call
/// from any thread; after a success it returns 0 at once.
int ccurl_load(const char *const *paths, size_t count, char *error, size_t error_size);

/// Only tries to open `path` and find every function this shim needs, then closes it again;
/// for tests of the error a missing or unusable libcurl gives. 0 when it would load.
int ccurl_check(const char *path, char *error, size_t error_size);

/// `curl_version()` of the loaded library ("libcurl/7.88.1 OpenSSL/3.0.19 …"), NULL before loading.
const char *ccurl_version(void);
/// `curl_version_info()->features` of the loaded library (CURL_VERSION_HTTP2, …), 0 before loading.
int ccurl_features(void);

CURL *ccurl_easy_init(void);
void ccurl_easy_cleanup(CURL *handle);
CURLcode ccurl_easy_perform(CURL *handle);
const char *ccurl_easy_strerror(CURLcode code);

CURLcode ccurl_easy_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode ccurl_easy_setopt_offset(CURL *handle, CURLoption option, curl_off_t value);
/// Strings (copied by libcurl), and pointers libcurl keeps (lists, buffers, user data).
CURLcode ccurl_easy_setopt_pointer(CURL *handle, CURLoption option, const void *value);
CURLcode ccurl_easy_setopt_callback(CURL *handle, CURLoption option, curl_write_callback callback);
/// A `struct curl_blob` option (CURLOPT_CAINFO_BLOB, …); libcurl copies the bytes.
CURLcode ccurl_easy_setopt_blob(CURL *handle, CURLoption option, const void *bytes, size_t length);

CURLcode ccurl_easy_getinfo_long(CURL *handle, CURLINFO info, long *value);
CURLcode ccurl_easy_getinfo_string(CURL *handle, CURLINFO info, const char **value);
CURLcode ccurl_easy_getinfo_certinfo(CURL *handle, struct curl_certinfo **value);

CURLM *ccurl_multi_init(void);
CURLMcode ccurl_multi_cleanup(CURLM *multi);
CURLMcode ccurl_multi_setopt_long(CURLM *multi, CURLMoption option, long value);
CURLMcode ccurl_multi_add_handle(CURLM *multi, CURL *handle);
CURLMcode ccurl_multi_remove_handle(CURLM *multi, CURL *handle);
CURLMcode ccurl_multi_perform(CURLM *multi, int *running);
CURLMcode ccurl_multi_poll(CURLM *multi, int timeout_ms);
CURLMcode ccurl_multi_wakeup(CURLM *multi);
CURLMcode ccurl_multi_timeout(CURLM *multi, long *timeout_ms);
/// The next finished transfer of `multi`: 1 with its handle and result, or 0 when there is none.
int ccurl_multi_next_done(CURLM *multi, CURL **handle, CURLcode *result);

struct curl_slist *ccurl_slist_append(struct curl_slist *list, const char *text);
void ccurl_slist_free_all(struct curl_slist *list);

#endif
