#include "CCurl.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

// The libcurl functions this shim calls, found with dlsym. The variadic ones keep their
// variadic types, so the C compiler passes their arguments the way libcurl reads them.
struct ccurl_functions {
    CURLcode (*global_init)(long);
    curl_version_info_data *(*version_info)(CURLversion);
    char *(*version)(void);
    CURL *(*easy_init)(void);
    void (*easy_cleanup)(CURL *);
    CURLcode (*easy_perform)(CURL *);
    const char *(*easy_strerror)(CURLcode);
    CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
    CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
    CURLM *(*multi_init)(void);
    CURLMcode (*multi_cleanup)(CURLM *);
    CURLMcode (*multi_setopt)(CURLM *, CURLMoption, ...);
    CURLMcode (*multi_add_handle)(CURLM *, CURL *);
    CURLMcode (*multi_remove_handle)(CURLM *, CURL *);
    CURLMcode (*multi_perform)(CURLM *, int *);
    CURLMcode (*multi_poll)(CURLM *, struct curl_waitfd *, unsigned int, int, int *);
    CURLMcode (*multi_wakeup)(CURLM *);
    CURLMcode (*multi_timeout)(CURLM *, long *);
    CURLMsg *(*multi_info_read)(CURLM *, int *);
    struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
    void (*slist_free_all)(struct curl_slist *);
};

static struct ccurl_functions curl;
static int loaded = 0;
static pthread_mutex_t load_lock = PTHREAD_MUTEX_INITIALIZER;

#if defined(__APPLE__)
static const char *const default_paths[] = {"libcurl.4.dylib", "/usr/lib/libcurl.4.dylib"};
#else
static const char *const default_paths[] = {"libcurl.so.4", "libcurl.so"};
#endif

#define FIND(field, name)                                                                          \
    do {                                                                                           \
        *(void **)(&functions->field) = dlsym(library, name);                                      \
        if (!functions->field) {                                                                   \
            snprintf(error, error_size, "%s has no function %s (libcurl 7.68 or newer is needed)", \
                     path, name);                                                                  \
            return -1;                                                                             \
        }                                                                                          \
    } while (0)

static int find_all(void *library, const char *path, struct ccurl_functions *functions, char *error,
                    size_t error_size) {
    FIND(global_init, "curl_global_init");
    FIND(version_info, "curl_version_info");
    FIND(version, "curl_version");
    FIND(easy_init, "curl_easy_init");
    FIND(easy_cleanup, "curl_easy_cleanup");
    FIND(easy_perform, "curl_easy_perform");
    FIND(easy_strerror, "curl_easy_strerror");
    FIND(easy_setopt, "curl_easy_setopt");
    FIND(easy_getinfo, "curl_easy_getinfo");
    FIND(multi_init, "curl_multi_init");
    FIND(multi_cleanup, "curl_multi_cleanup");
    FIND(multi_setopt, "curl_multi_setopt");
    FIND(multi_add_handle, "curl_multi_add_handle");
    FIND(multi_remove_handle, "curl_multi_remove_handle");
    FIND(multi_perform, "curl_multi_perform");
    FIND(multi_poll, "curl_multi_poll");
    FIND(multi_wakeup, "curl_multi_wakeup");
    FIND(multi_timeout, "curl_multi_timeout");
    FIND(multi_info_read, "curl_multi_info_read");
    FIND(slist_append, "curl_slist_append");
    FIND(slist_free_all, "curl_slist_free_all");
    return 0;
}

static void *open_library(const char *path, char *error, size_t error_size) {
    // RTLD_LOCAL: libcurl's OpenSSL stays out of the global namespace. RTLD_LAZY: the functions
    // of libcurl's ~30 dependencies are bound when first called, not all at load time.
    void *library = dlopen(path, RTLD_LAZY | RTLD_LOCAL);
    if (!library) {
        const char *reason = dlerror();
        snprintf(error, error_size, "%s", reason ? reason : path);
    }
    return library;
}

int ccurl_load(const char *const *paths, size_t count, char *error, size_t error_size) {
    if (__atomic_load_n(&loaded, __ATOMIC_ACQUIRE)) return 0;
    pthread_mutex_lock(&load_lock);
    if (loaded) {
        pthread_mutex_unlock(&load_lock);
        return 0;
    }
    if (count == 0) {
        paths = default_paths;
        count = sizeof default_paths / sizeof default_paths[0];
    }
    int status = -1;
    // The first failure is the one reported: later names are fallbacks (libcurl.so exists only
    // where the development package is installed), and their "not found" would hide it.
    char reason[512] = "";
    for (size_t i = 0; i < count && status != 0; i++) {
        char attempt[512] = "";
        void *library = open_library(paths[i], attempt, sizeof attempt);
        struct ccurl_functions functions;
        if (library && find_all(library, paths[i], &functions, attempt, sizeof attempt) != 0) {
            dlclose(library);
            library = NULL;
        }
        if (library) {
            CURLcode initialised = functions.global_init(CURL_GLOBAL_DEFAULT);
            if (initialised == CURLE_OK) {
                curl = functions;
                status = 0;
                break;
            }
            // Not closed: a half-initialised library must not be unloaded under its own feet.
            snprintf(attempt, sizeof attempt, "curl_global_init failed: %s", functions.easy_strerror(initialised));
        }
        if (reason[0] == 0) snprintf(reason, sizeof reason, "%s", attempt);
    }
    if (status != 0 && error_size > 0) snprintf(error, error_size, "%s", reason);
    if (status == 0) __atomic_store_n(&loaded, 1, __ATOMIC_RELEASE);
    pthread_mutex_unlock(&load_lock);
    return status;
}

int ccurl_check(const char *path, char *error, size_t error_size) {
    void *library = open_library(path, error, error_size);
    if (!library) return -1;
    struct ccurl_functions functions;
    int status = find_all(library, path, &functions, error, error_size);
    dlclose(library);
    return status;
}

const char *ccurl_version(void) { return __atomic_load_n(&loaded, __ATOMIC_ACQUIRE) ? curl.version() : NULL; }

int ccurl_features(void) {
    if (!__atomic_load_n(&loaded, __ATOMIC_ACQUIRE)) return 0;
    curl_version_info_data *info = curl.version_info(CURLVERSION_NOW);
    return info ? info->features : 0;
}

CURL *ccurl_easy_init(void) { return curl.easy_init(); }
void ccurl_easy_cleanup(CURL *handle) { curl.easy_cleanup(handle); }
CURLcode ccurl_easy_perform(CURL *handle) { return curl.easy_perform(handle); }
const char *ccurl_easy_strerror(CURLcode code) { return curl.easy_strerror(code); }

CURLcode ccurl_easy_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl.easy_setopt(handle, option, value);
}
CURLcode ccurl_easy_setopt_offset(CURL *handle, CURLoption option, curl_off_t value) {
    return curl.easy_setopt(handle, option, value);
}
CURLcode ccurl_easy_setopt_pointer(CURL *handle, CURLoption option, const void *value) {
    return curl.easy_setopt(handle, option, value);
}
CURLcode ccurl_easy_setopt_callback(CURL *handle, CURLoption option, curl_write_callback callback) {
    return curl.easy_setopt(handle, option, callback);
}
CURLcode ccurl_easy_setopt_blob(CURL *handle, CURLoption option, const void *bytes, size_t length) {
    struct curl_blob blob = {(void *)bytes, length, CURL_BLOB_COPY};
    return curl.easy_setopt(handle, option, &blob);
}

CURLcode ccurl_easy_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl.easy_getinfo(handle, info, value);
}
CURLcode ccurl_easy_getinfo_string(CURL *handle, CURLINFO info, const char **value) {
    char *text = NULL;
    CURLcode code = curl.easy_getinfo(handle, info, &text);
    *value = text;
    return code;
}
CURLcode ccurl_easy_getinfo_certinfo(CURL *handle, struct curl_certinfo **value) {
    return curl.easy_getinfo(handle, CURLINFO_CERTINFO, value);
}

CURLM *ccurl_multi_init(void) { return curl.multi_init(); }
CURLMcode ccurl_multi_cleanup(CURLM *multi) { return curl.multi_cleanup(multi); }
CURLMcode ccurl_multi_setopt_long(CURLM *multi, CURLMoption option, long value) {
    return curl.multi_setopt(multi, option, value);
}
CURLMcode ccurl_multi_add_handle(CURLM *multi, CURL *handle) { return curl.multi_add_handle(multi, handle); }
CURLMcode ccurl_multi_remove_handle(CURLM *multi, CURL *handle) {
    return curl.multi_remove_handle(multi, handle);
}
CURLMcode ccurl_multi_perform(CURLM *multi, int *running) { return curl.multi_perform(multi, running); }
CURLMcode ccurl_multi_poll(CURLM *multi, int timeout_ms) {
    return curl.multi_poll(multi, NULL, 0, timeout_ms, NULL);
}
CURLMcode ccurl_multi_wakeup(CURLM *multi) { return curl.multi_wakeup(multi); }
CURLMcode ccurl_multi_timeout(CURLM *multi, long *timeout_ms) { return curl.multi_timeout(multi, timeout_ms); }

int ccurl_multi_next_done(CURLM *multi, CURL **handle, CURLcode *result) {
    int queued = 0;
    CURLMsg *message;
    while ((message = curl.multi_info_read(multi, &queued)) != NULL) {
        if (message->msg == CURLMSG_DONE) {
            *handle = message->easy_handle;
            *result = message->data.result;
            return 1;
        }
    }
    return 0;
}

struct curl_slist *ccurl_slist_append(struct curl_slist *list, const char *text) {
    return curl.slist_append(list, text);
}
void ccurl_slist_free_all(struct curl_slist *list) { curl.slist_free_all(list); }
