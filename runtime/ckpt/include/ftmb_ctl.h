/*
 * ftmb_ctl.h: the control socket of every recovery process (master,
 * backup, IL/OL), read by `ftmbctl`. A Unix stream socket; the client
 * writes one command line ("status", "failover", "dump"), the server
 * answers with text lines "key=value" and closes. One thread per server,
 * one connection at a time (control traffic is rare).
 */
#ifndef FTMB_CTL_H
#define FTMB_CTL_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Fill out (at most cap bytes, NUL-terminated) with the reply to cmd. */
typedef void (*ftmb_ctl_fn)(void *arg, const char *cmd, char *out, size_t cap);

struct ftmb_ctl;
/* Listen on path (an existing socket file is replaced). NULL + errno. */
struct ftmb_ctl *ftmb_ctl_start(const char *path, ftmb_ctl_fn fn, void *arg);
void ftmb_ctl_stop(struct ftmb_ctl *c);

/* Client: send cmd to path, read the reply into out. Bytes read, or -1. */
int ftmb_ctl_query(const char *path, const char *cmd, char *out, size_t cap,
		   unsigned timeout_ms);

#ifdef __cplusplus
}
#endif
#endif /* FTMB_CTL_H */
