/* tinytb: the async ring's protocol (include/tinytb/writer/async_ring.h), model-checked by spin
 * (`make async-spin`, tests/writer/run_async_spin.sh; docs/async.md, "The spin model").
 *
 * Two producers log VALS values each into a ring of N slots; one drain takes them; with
 * DROP_OLDEST a producer that finds the ring full takes the oldest value off itself (as
 * AsyncWriter's kDropOldest does), else it drops its own (kDropNew). Every load, store and
 * compare-and-swap of the C++ code is one step here, interleaved in every possible way
 * (sequential consistency: the acquire/release pairs of the C++ code give each slot's bytes
 * the same order, which ThreadSanitizer checks on the host: tests/writer/async_stress.cc).
 * Positions wrap at 256 (byte), as the code's 32-bit positions wrap at 2^32: N divides both.
 *
 * Checked: a slot's bytes never change while the drain reads them and no producer writes a
 * slot the drain or another producer owns; every value is written by the drain or dropped
 * (by its producer or by a drop-oldest), exactly once; each producer's values reach the
 * drain in the order logged; no deadlock (every process ends: spin's invalid end states).
 */
#define N 2
#ifndef VALS
#define VALS 3
#endif
#define P 2
#define NVAL (P * VALS)

byte seq[N];
byte enq = 0;
byte deq = 0;
byte slot_val[N];    /* the value id a slot holds (id + 1; 0 = none) */
byte owner[N];       /* who is writing or reading the slot right now: 0 none, 1.. pids */
byte written[NVAL];  /* times the drain wrote the value */
byte dropped[NVAL];  /* times it was dropped */
byte last_seen[P];   /* per producer: the last value index the drain saw, + 1 */
byte producers_done = 0;

/* a - b as a signed byte: 0 equal, 1 a ahead, 2 a behind */
#define AHEAD(a, b) ((((a) - (b) + 256) % 256) != 0 && (((a) - (b) + 256) % 256) < 128)
#define SAME(a, b) ((((a) - (b) + 256) % 256) == 0)

/* try_take, inlined: `got` is 1 with `pos` claimed, or 0 when empty */
inline try_take(pos, got, s) {
  got = 0;
  pos = deq;
  do
  :: s = seq[pos % N];
     if
     :: SAME(s, (pos + 1) % 256) ->
        atomic { if :: deq == pos -> deq = (pos + 1) % 256; got = 1 :: else -> skip fi }
        if :: got == 1 -> break :: else -> pos = deq fi
     :: AHEAD((pos + 1) % 256, s) -> break   /* empty (or the oldest is not published yet) */
     :: else -> pos = deq
     fi
  od
}

inline release(pos) { seq[pos % N] = (pos + N) % 256 }

proctype producer(byte me) {
  byte i = 0;
  byte pos, s, got, id;
  byte tpos, tgot, ts, tid;
  do
  :: i < VALS ->
     id = me * VALS + i;
retry:
     got = 0;
     pos = enq;
     do
     :: s = seq[pos % N];
        if
        :: SAME(s, pos) ->
           atomic { if :: enq == pos -> enq = (pos + 1) % 256; got = 1 :: else -> skip fi }
           if :: got == 1 -> break :: else -> pos = enq fi
        :: AHEAD(pos, s) -> break   /* full */
        :: else -> pos = enq
        fi
     od;
     if
     :: got == 1 ->
        assert(owner[pos % N] == 0);
#ifdef BUG_PUBLISH_EARLY
        seq[pos % N] = (pos + 1) % 256;   /* a planted bug: published before it is written */
#endif
        owner[pos % N] = me + 1;
        slot_val[pos % N] = id + 1;
        owner[pos % N] = 0;
#ifndef BUG_PUBLISH_EARLY
        seq[pos % N] = (pos + 1) % 256;   /* publish */
#endif
        i++
     :: else ->
#ifdef DROP_OLDEST
        try_take(tpos, tgot, ts);
        if
        :: tgot == 1 ->
           assert(owner[tpos % N] == 0);
           tid = slot_val[tpos % N] - 1;
           dropped[tid]++;
           release(tpos);
           goto retry
        :: else ->
           dropped[id]++; i++
        fi
#else
        dropped[id]++; i++
#endif
     fi
  :: else -> break
  od;
  producers_done++
}

proctype drain() {
  byte pos, got, s, id, prod, idx, last_round = 0;
  do
  :: try_take(pos, got, s);
     if
     :: got == 1 ->
        assert(owner[pos % N] == 0);
        owner[pos % N] = 9;
        id = slot_val[pos % N] - 1;
        /* the sink write: nobody may touch the slot meanwhile */
        assert(slot_val[pos % N] == id + 1);
        written[id]++;
        prod = id / VALS;
        idx = id % VALS;
        assert(idx + 1 > last_seen[prod]);
        last_seen[prod] = idx + 1;
        assert(slot_val[pos % N] == id + 1 && owner[pos % N] == 9);
        owner[pos % N] = 0;
        release(pos)
     :: else ->
        if
        :: last_round == 1 -> break
        :: producers_done == P -> last_round = 1   /* one more pass: all published now */
        :: else -> skip
        fi
     fi
  od;
  /* every value exactly once: written or dropped */
  idx = 0;
  do
  :: idx < NVAL -> assert(written[idx] + dropped[idx] == 1); idx++
  :: else -> break
  od
}

init {
  byte k = 0;
  do
  :: k < N -> seq[k] = k; k++
  :: else -> break
  od;
  atomic { run producer(0); run producer(1); run drain() }
}
