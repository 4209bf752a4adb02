#!/usr/bin/env python3
"""Tests of the marking pass (csmith_program.py): which globals get
`__ftmb_shared`, and that generation is deterministic."""
import os
import sys
import unittest

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import csmith_program as cp  # noqa: E402

SAMPLE = """\
#include "csmith.h"
static long __undefined;
struct S0 { int f0; };
/* --- GLOBAL VARIABLES --- */
static int32_t g_2 = 6L;
static volatile int8_t g_28 = 0xC8L;/* VOLATILE GLOBAL g_28 */
static volatile int8_t *g_27 = &g_28;
static int32_t g_32[9] = {1,2,3,4,5,6,7,8,9};
static int32_t * volatile g_31 = &g_32[8];
static struct S0 g_40 = {1};
static uint8_t g_50 = 1UL;
static const int16_t g_60 = 6L;
/* --- FORWARD DECLARATIONS --- */
static int32_t func_1(void);
static int32_t func_1(void)
{
    int32_t *l_3 = &(g_40.f0);
    int32_t l_4 = g_2 & g_50;
    l_4 = (g_2) & g_60 && g_50 & (g_2);
    l_4 &= g_50;
    l_4 = sizeof(int32_t) & g_2;
    return l_4 + *l_3 + g_32[1];
}
"""


class Marking(unittest.TestCase):
    def test_nopointers_marks_every_global(self):
        text, marked = cp.mark_globals(SAMPLE, "nopointers")
        self.assertEqual(marked, ["g_2", "g_28", "g_27", "g_32", "g_31",
                                  "g_40", "g_50", "g_60"])
        self.assertTrue(text.startswith('#include "ftmb.h"\n'))
        self.assertIn("static __ftmb_shared int32_t g_2 = 6L;", text)
        self.assertIn("static __ftmb_shared int32_t * volatile g_31 = &g_32[8];", text)
        self.assertNotIn("__ftmb_shared int32_t func_1", text)

    def test_pointers_skips_globals_whose_address_is_taken(self):
        _, marked = cp.mark_globals(SAMPLE, "pointers")
        # &g_28 (initializer), &g_32[8], &(g_40.f0) escape; binary & and &&
        # and &= do not make g_2, g_50 or g_60 escape; a comment saying
        # "&g_50" does not either.
        self.assertEqual(marked, ["g_2", "g_27", "g_31", "g_50", "g_60"])

    def test_escape_scan(self):
        self.assertEqual(cp.escaping_globals("x = & ( ( g_7 ) ) ;"), {"g_7"})
        self.assertEqual(cp.escaping_globals("x = a & g_7; y = f(&g_8[1]);"), {"g_8"})
        self.assertEqual(cp.escaping_globals("x = g_1 && g_7; x &= g_9;"), set())
        self.assertEqual(cp.escaping_globals("x = a[1] & g_7; (y) & g_8;"), set())
        self.assertEqual(cp.escaping_globals("return &g_3;"), {"g_3"})

    def test_used_globals(self):
        text, marked = cp.mark_globals(SAMPLE, "nopointers")
        # g_27 and g_31 are declared and never used; g_28 only in g_27's
        # initializer (and a comment).
        self.assertEqual(cp.used_globals(text, marked),
                         ["g_2", "g_28", "g_32", "g_40", "g_50", "g_60"])

    def test_comments_do_not_count(self):
        self.assertEqual(cp.escaping_globals(cp.strip_comments("/* &g_5 */ x = 1;")),
                         set())

    def test_mode_alternates_with_seed(self):
        self.assertEqual(cp.mode_for_seed(2), "nopointers")
        self.assertEqual(cp.mode_for_seed(3), "pointers")
        self.assertIn("--no-pointers", cp.csmith_args(2, "small", "nopointers"))
        self.assertNotIn("--no-pointers", cp.csmith_args(3, "small", "pointers"))


class Generation(unittest.TestCase):
    def test_same_seed_same_program(self):
        a = cp.generate(12, "small")
        b = cp.generate(12, "small")
        self.assertEqual(a, b)
        self.assertTrue(a[1], "seed 12 has shared globals")
        self.assertIn("__ftmb_shared", a[0])

    def test_csmith_failure_is_an_error(self):
        saved = cp.PROFILES["small"]
        cp.PROFILES["small"] = ["--no-such-option"]
        try:
            with self.assertRaisesRegex(RuntimeError, "csmith failed for seed 5"):
                cp.run_csmith(5, "small", "nopointers")
        finally:
            cp.PROFILES["small"] = saved


if __name__ == "__main__":
    unittest.main(verbosity=1)
