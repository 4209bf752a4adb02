/* unit_tests.h: the list of unit tests (each one ctest case). */
#ifndef FTMB_UNIT_TESTS_H
#define FTMB_UNIT_TESTS_H

#define UNIT_LIST                                   \
	UNIT(cut_complete)                          \
	UNIT(cut_gap)                               \
	UNIT(cut_cascade)                           \
	UNIT(cut_checkpoint_counters)               \
	UNIT(cut_duplicate_and_zero)                \
	UNIT(cut_empty_core)                        \
	UNIT(cut_1_and_128_cores)                   \
	UNIT(cut_counter_boundary)                  \
	UNIT(cut_bad_input)                         \
	UNIT(release_fifo_stop_at_first_waiting)    \
	UNIT(release_lost_dup_reordered_batch)      \
	UNIT(release_duplicate_suppression)         \
	UNIT(release_drop_held_frees_each)          \
	UNIT(release_1_and_128_cores)               \
	UNIT(resend_queue)                          \
	UNIT(access_record_stream)                  \
	UNIT(access_unbound_and_off)                \
	UNIT(access_bad_input)                      \
	UNIT(access_counter_wrap)                   \
	UNIT(access_two_threads)                    \
	UNIT(access_one_core_no_lock)               \
	UNIT(replay_forced_interleaving)            \
	UNIT(replay_partial_cut_then_free)          \
	UNIT(replay_core_without_pals)              \
	UNIT(replay_abandon_ends_wait)              \
	UNIT(replay_divergence)                     \
	UNIT(replay_divergence_default_aborts)      \
	UNIT(arena_alloc)                           \
	UNIT(arena_restore_same_address)            \
	UNIT(arena_address_taken)                   \
	UNIT(arena_allocations_are_logged)          \
	UNIT(obj_descriptors)                       \
	UNIT(registry_and_counters)                 \
	UNIT(registry_abi_mismatch)                 \
	UNIT(nondet_clock_and_rng)                  \
	UNIT(racy_replay_inprocess)                 \
	UNIT(racy_replay_log_file)

#define UNIT(name) void test_##name(void);
UNIT_LIST
#undef UNIT

#endif
