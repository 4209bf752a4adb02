/*
 * node.h: internals of the recovery node, the process that hosts a
 * middlebox (include/middlebox.h) as master or as warm backup.
 *
 * Threads of a master:
 *   main      reads the IL/OL connection (packets, NEW_BACKUP, DUMP_REQ),
 *             dispatches packets to the cores by flow hash, takes
 *             checkpoints (quiesce -> fork -> resume), reads COVERs.
 *   worker c  one per core: packet_begin, mb_process, outputs, packet_end;
 *             its stream records go to the OL through the sink.
 *   heartbeat sends a datagram to the backup every hb interval.
 *   control   the ftmbctl socket (ftmb_ctl.c).
 * A backup runs only main (store, detector) and control until it takes
 * over; then it starts the workers and the heartbeat and is a master.
 */
#ifndef FTMB_NODE_H
#define FTMB_NODE_H

#include <pthread.h>
#include <stdint.h>
#include <sys/types.h>

#include "ftmb_ckpt.h"
#include "ftmb_ckpt_store.h"
#include "ftmb_ctl.h"
#include "ftmb_fd.h"
#include "ftmb_msg.h"

#define NODE_FRAME_CAP 2048u
#define NODE_QUEUE_CAP 4096u

struct node_pkt {
	uint64_t pkt_id;
	uint64_t ts_ns;
	uint16_t in_port;
	uint16_t len;
	uint8_t data[NODE_FRAME_CAP];
};

/* A core's input queue: bounded FIFO, one producer (main), one consumer. */
struct node_queue {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct node_pkt *slots;
	unsigned head, tail;       /* tail - head = queued */
};

struct node_core {
	unsigned idx;
	pthread_t thr;
	struct node_queue q;
	uint64_t last_pkt_id;      /* last packet processed (ckpt metadata) */
	uint64_t pkts;
	uint64_t skipped;          /* replayed packets the checkpoint already covers */
	/* the output being emitted (read by the sink on this thread) */
	const uint8_t *out_frame;
	uint16_t out_len, out_port;
	uint64_t cur_pkt_id;
	uint32_t n_out;
	/* this core's stream records not yet written (FIFO; flushed when the
	 * core runs out of packets or the buffer is large) */
	uint8_t *obuf;
	size_t olen, ocap;
};

struct node_opts {
	int role;                  /* enum ftmb_node_role               */
	unsigned n_cores;
	const char *ilol_host;
	uint16_t ilol_port;
	const char *peer_host;     /* where the backup listens           */
	unsigned ckpt_interval_ms;
	unsigned hb_interval_ms;
	unsigned hb_timeout_ms;
	unsigned ckpt_throttle_us;
	uint64_t seed;
	const char *ctl_path;
	int mb_argc;
	char **mb_argv;
};

struct node {
	struct node_opts o;
	int role;                  /* current role                       */
	int ilol_fd;
	struct ftmb_msg_reader ilol_rd;
	pthread_mutex_t send_mu;   /* serialises writes to ilol_fd       */
	struct node_core cores[FTMB_CKPT_MAX_CORES];
	int workers_running;
	volatile int stopping;

	/* master: quiesce barrier and checkpoints */
	pthread_mutex_t idle_mu;
	pthread_cond_t idle_cv;
	uint64_t in_flight;        /* dispatched, not yet finished       */
	uint64_t watermark;        /* last packet id dispatched          */
	int ckpt_fd;               /* to the backup (-1: unprotected)    */
	struct ftmb_msg_reader ckpt_rd;
	uint16_t peer_hb_port;
	pid_t ckpt_child;
	uint64_t ckpt_seq;         /* last started                       */
	uint64_t ckpt_confirmed;   /* last the backup confirmed          */
	uint64_t ckpt_confirmed_here; /* confirmations by the current backup */
	uint64_t ckpt_watermark_started; /* watermark of the last one started */
	uint64_t ckpt_confirmed_at_ns;
	uint64_t ckpt_last_stop_ns, ckpt_last_fork_ns, ckpt_max_stop_ns;
	uint64_t ckpt_started_at_ns;
	uint64_t ckpt_failed;
	uint64_t next_ckpt_ns;
	pthread_t hb_thr;
	int hb_running;
	int hb_fd;
	volatile int resign;       /* planned failover requested          */

	/* backup */
	struct ftmb_ckpt_store *store;
	struct ftmb_fd fd;
	int ckpt_listen_fd, ckpt_conn_fd;
	int hb_rx_fd;
	uint16_t ckpt_port, hb_port;
	uint64_t last_ckpt_rx_ns;

	/* history (status) */
	uint64_t failovers;
	uint64_t last_failover_realtime_ns;
	struct ftmb_m_recovered last_recovery;

	struct ftmb_ctl *ctl;
	pthread_mutex_t status_mu;
};

/* node_master.c */
int node_master_start(struct node *n);     /* workers + heartbeat      */
int node_master_loop(struct node *n);      /* until the connection ends */
void node_quiesce(struct node *n);         /* wait until every core idle */
void node_connect_backup(struct node *n, const struct ftmb_m_hello *b);

/* node_backup.c */
int node_backup_loop(struct node *n);      /* until takeover (0) or error */

/* node_main.c */
/* Give a failure-detection thread real-time priority (SCHED_FIFO), so a
 * busy machine does not starve it into a false failover; a warning if
 * not permitted. */
void node_realtime(pthread_t t, const char *what);
void node_status(void *arg, const char *cmd, char *out, size_t cap);
int node_send(struct node *n, unsigned type, const void *a, size_t alen,
	      const void *b, size_t blen);

#endif /* FTMB_NODE_H */
