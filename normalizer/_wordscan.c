/*
 * normalizer._wordscan: the per-word work of the duplication detector, in C, for the
 * documents whose lower-cased "spaced" text is ASCII (nearly all English news).
 *
 * The detector's checks first ask every sentence a cheap question (does a phrase repeat back
 * to back? are its words those of the sentence before? may it repeat an earlier sentence in
 * other words?) and only the few sentences that pass are looked at in full, in Python. Asked
 * in Python, the questions cost a list and a set per sentence and a dictionary lookup per
 * word; here they cost one call per document and no Python object per word or sentence.
 *
 * Input contract (normalizer/detectors/duplication.py makes it so): ``lowered`` is the
 * document's spaced text, lower-cased, in which every byte is an ASCII letter, digit, "'",
 * "-" or a space, and every word is a maximal run of non-space bytes; each sentence is a byte
 * range of it (a span object with ``start`` and ``end``), as are the quotations.
 *
 * Words stand for themselves by 64-bit hashes. Equal words have equal hashes, so no repeat
 * and no equal sentence is ever missed; two different words with one hash (odds ~2^-64 per
 * pair) can only make a repeat or an equal sentence appear that Python then checks against
 * the words themselves. The one exception is the count of a unit's distinct content stems in
 * later_units: a collision there (odds ~1e-19 per pair of stems) would count two stems as one.
 *
 * No global state but two constant attribute names: every table lives for one call and is
 * freed on every path.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

/* -- words and their hashes --------------------------------------------------------------- */

#define FNV_OFFSET 0xcbf29ce484222325ULL
#define FNV_PRIME 0x100000001b3ULL
#define FNV_PRIME_INVERSE 0xce965057aff6957bULL /* FNV_PRIME * this == 1 (mod 2^64) */

/* A word's hash is FNV-1a over its bytes, then the splitmix64 finaliser: FNV-1a alone leaves the low bits, which index the tables below,
 * poorly mixed. */
static uint64_t mix(uint64_t h)
{
    h ^= h >> 30;
    h *= 0xbf58476d1ce4e5b9ULL;
    h ^= h >> 27;
    h *= 0x94d049bb133111ebULL;
    return h ^ (h >> 31);
}

/* A word and the FNV-1a state of its bytes (mix(state) is its hash). */
typedef struct {
    const char *bytes;
    Py_ssize_t len;
    uint64_t state;
} word_t;

/* The hash of the word without its last ``cut`` bytes: each FNV-1a step is undone (its
 * multiplier is odd, so invertible), instead of hashing the stem again. */
static uint64_t stem_hash(const word_t *w, int cut)
{
    uint64_t h = w->state;
    for (int i = 1; i <= cut; i++)
        h = (h * FNV_PRIME_INVERSE) ^ (unsigned char)w->bytes[w->len - i];
    return mix(h);
}

/* The next word of text[*pos:end] (a maximal run of non-space bytes), or 0 when none is
 * left. */
static inline int next_word(const char *text, Py_ssize_t *pos, Py_ssize_t end, word_t *w)
{
    Py_ssize_t i = *pos;
    while (i < end && text[i] == ' ')
        i++;
    if (i >= end)
        return 0;
    uint64_t h = FNV_OFFSET;
    Py_ssize_t j = i;
    do
        h = (h ^ (unsigned char)text[j]) * FNV_PRIME;
    while (++j < end && text[j] != ' ');
    w->bytes = text + i;
    w->len = j - i;
    w->state = h;
    *pos = j;
    return 1;
}

/* -- spans -------------------------------------------------------------------------------- */

static PyObject *START, *END; /* "start" and "end", interned once: read for every sentence */

/* The start and end of each span of a sequence, checked to lie within [0, limit]: a PyMem
 * array of 2 * count entries (never NULL for an empty sequence), or NULL with an exception
 * set. */
static Py_ssize_t *read_spans(PyObject *spans, Py_ssize_t limit, Py_ssize_t *count)
{
    PyObject *seq = PySequence_Fast(spans, "spans must be a sequence");
    *count = 0;
    if (seq == NULL)
        return NULL;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    Py_ssize_t *out = PyMem_New(Py_ssize_t, 2 * n + 1); /* +1: never a zero-byte request */
    if (out == NULL) {
        Py_DECREF(seq);
        PyErr_NoMemory();
        return NULL;
    }
    for (Py_ssize_t k = 0; k < n; k++) {
        PyObject *span = PySequence_Fast_GET_ITEM(seq, k);
        for (int side = 0; side < 2; side++) {
            PyObject *v = PyObject_GetAttr(span, side ? END : START);
            Py_ssize_t x = v == NULL ? -1 : PyLong_AsSsize_t(v);
            Py_XDECREF(v);
            if (x == -1 && PyErr_Occurred())
                goto fail;
            out[2 * k + side] = x;
        }
        if (out[2 * k] < 0 || out[2 * k] > out[2 * k + 1] || out[2 * k + 1] > limit) {
            PyErr_SetString(PyExc_ValueError, "span out of the text's bounds");
            goto fail;
        }
    }
    Py_DECREF(seq);
    *count = n;
    return out;
fail:
    Py_DECREF(seq);
    PyMem_Free(out);
    return NULL;
}

/* The largest number of words a span of the text can hold (one byte and one space each). */
static Py_ssize_t max_words(const Py_ssize_t *bounds, Py_ssize_t count)
{
    Py_ssize_t most = 0;
    for (Py_ssize_t k = 0; k < count; k++) {
        Py_ssize_t n = (bounds[2 * k + 1] - bounds[2 * k]) / 2 + 1;
        if (n > most)
            most = n;
    }
    return most;
}

/* The hashes of the words of text[start:end] into w; returns their number. */
static Py_ssize_t hash_words(const char *text, Py_ssize_t start, Py_ssize_t end, uint64_t *w)
{
    Py_ssize_t m = 0;
    word_t word;
    while (next_word(text, &start, end, &word))
        w[m++] = mix(word.state);
    return m;
}

/* -- repeat_lengths ----------------------------------------------------------------------- */

/* The lengths n for which some n words of w are followed at once by the same n words: n = 1
 * always asked (as _repeat_lengths does), n = 2..max_n while two copies fit. A tuple of them,
 * or Py_None (borrowed) when there are none. */
static PyObject *lengths_of(const uint64_t *w, Py_ssize_t m, Py_ssize_t max_n)
{
    PyObject *found = NULL;
    Py_ssize_t top = max_n < m / 2 ? max_n : m / 2;
    for (Py_ssize_t n = 1; n <= top || (n == 1 && m >= 2); n++) {
        /* same[i] = w[i] == w[i + n]: n in a row are two copies */
        Py_ssize_t run = 0;
        int hit = 0;
        for (Py_ssize_t i = 0; i + n < m && !hit; i++) {
            run = w[i] == w[i + n] ? run + 1 : 0;
            hit = run >= n;
        }
        if (!hit)
            continue;
        if (found == NULL && (found = PyList_New(0)) == NULL)
            return NULL;
        PyObject *len = PyLong_FromSsize_t(n);
        if (len == NULL || PyList_Append(found, len) < 0) {
            Py_XDECREF(len);
            Py_DECREF(found);
            return NULL;
        }
        Py_DECREF(len);
    }
    if (found == NULL)
        return Py_None;
    PyObject *t = PyList_AsTuple(found);
    Py_DECREF(found);
    return t;
}

PyDoc_STRVAR(repeat_lengths_doc,
"repeat_lengths(lowered, spans, max_n) -> list[tuple[int, tuple[int, ...]]]\n\n"
"(k, lengths) for each span k whose words repeat some phrase back to back: the lengths n of\n"
"those phrases, ascending (n = 1 whatever max_n, else n <= max_n), as _repeat_lengths\n"
"finds them. A hash collision may add a length, never lose one.");

static PyObject *repeat_lengths(PyObject *self, PyObject *args)
{
    Py_buffer text;
    PyObject *spans, *out = NULL;
    Py_ssize_t max_n, count;
    if (!PyArg_ParseTuple(args, "y*On:repeat_lengths", &text, &spans, &max_n))
        return NULL;
    Py_ssize_t *bounds = read_spans(spans, text.len, &count);
    uint64_t *w = NULL;
    if (bounds == NULL)
        goto done;
    w = PyMem_New(uint64_t, max_words(bounds, count));
    if (w == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    if ((out = PyList_New(0)) == NULL)
        goto done;
    for (Py_ssize_t k = 0; k < count; k++) {
        Py_ssize_t m = hash_words(text.buf, bounds[2 * k], bounds[2 * k + 1], w);
        PyObject *lengths = lengths_of(w, m, max_n);
        if (lengths == Py_None)
            continue;
        PyObject *index = PyLong_FromSsize_t(k);
        PyObject *item = index && lengths ? PyTuple_Pack(2, index, lengths) : NULL;
        Py_XDECREF(index);
        Py_XDECREF(lengths);
        if (item == NULL || PyList_Append(out, item) < 0) {
            Py_XDECREF(item);
            Py_CLEAR(out);
            goto done;
        }
        Py_DECREF(item);
    }
done:
    PyMem_Free(w);
    PyMem_Free(bounds);
    PyBuffer_Release(&text);
    return out;
}

/* -- same_as_previous --------------------------------------------------------------------- */

PyDoc_STRVAR(same_as_previous_doc,
"same_as_previous(lowered, spans) -> list[int]\n\n"
"The indexes k >= 1 of the spans whose words may be those of span k - 1 (the same number of\n"
"words, the same hash of the sequence): every pair of equal word lists, and perhaps (a hash\n"
"collision) one more that the caller rejects by comparing the words.");

static PyObject *same_as_previous(PyObject *self, PyObject *args)
{
    Py_buffer text;
    PyObject *spans, *out = NULL;
    Py_ssize_t count;
    if (!PyArg_ParseTuple(args, "y*O:same_as_previous", &text, &spans))
        return NULL;
    Py_ssize_t *bounds = read_spans(spans, text.len, &count);
    if (bounds == NULL || (out = PyList_New(0)) == NULL)
        goto done;
    uint64_t prev_hash = 0;
    Py_ssize_t prev_count = -1;
    for (Py_ssize_t k = 0; k < count; k++) {
        /* the sequence's hash: each word's hash folded in, in order */
        uint64_t h = 0x9e3779b97f4a7c15ULL;
        Py_ssize_t m = 0, pos = bounds[2 * k];
        word_t word;
        while (next_word(text.buf, &pos, bounds[2 * k + 1], &word)) {
            h = (h ^ mix(word.state)) * 0xff51afd7ed558ccdULL + (uint64_t)m;
            m++;
        }
        if (m == prev_count && h == prev_hash) {
            PyObject *index = PyLong_FromSsize_t(k);
            if (index == NULL || PyList_Append(out, index) < 0) {
                Py_XDECREF(index);
                Py_CLEAR(out);
                goto done;
            }
            Py_DECREF(index);
        }
        prev_hash = h;
        prev_count = m;
    }
done:
    PyMem_Free(bounds);
    PyBuffer_Release(&text);
    return out;
}

/* -- later_units -------------------------------------------------------------------------- */

/* Two open-addressing tables (capacity a power of two, at most half full, zeroed): the
 * stopwords, compared byte for byte (a content word taken for a stopword would be lost), and
 * the stems of a document, by hash. Most fit in a buffer on the stack: allocating them for
 * each document cost more than filling them. */
typedef struct {
    uint64_t hash;
    const char *word; /* NULL: a free slot */
    Py_ssize_t len;
} stop_t;

typedef struct {
    uint64_t hash;
    int32_t last_unit; /* 1 + the last unit that holds the stem (counted once per unit); 0: free */
    int32_t seen;      /* held by a unit of min_words stems or more before */
} stem_t;

#define STACK_STOPS 512
#define STACK_STEMS 1024

/* A zeroed table of mask + 1 slots of ``size`` bytes: ``stack`` when it fits, else allocated
 * (to be freed when it is not ``stack``). */
static void *zeroed_table(void *stack, size_t stack_slots, size_t mask, size_t size)
{
    if (mask < stack_slots) {
        memset(stack, 0, (mask + 1) * size);
        return stack;
    }
    return PyMem_Calloc(mask + 1, size);
}

/* The capacity mask of a table for ``entries`` entries. */
static size_t capacity_mask(Py_ssize_t entries)
{
    size_t cap = 16;
    while (cap < (size_t)entries * 2)
        cap <<= 1;
    return cap - 1;
}

/* The slot of the stopword, or the free slot where it would go. */
static stop_t *stop_slot(stop_t *stops, size_t mask, const char *word, Py_ssize_t len, uint64_t hash)
{
    for (size_t i = hash & mask;; i = (i + 1) & mask) {
        stop_t *s = &stops[i];
        if (s->word == NULL || (s->hash == hash && s->len == len && memcmp(s->word, word, len) == 0))
            return s;
    }
}

/* The slot of the stem's hash, or the free slot where it goes. */
static stem_t *stem_slot(stem_t *stems, size_t mask, uint64_t hash)
{
    for (size_t i = hash & mask;; i = (i + 1) & mask) {
        stem_t *s = &stems[i];
        if (!s->last_unit || s->hash == hash)
            return s;
    }
}

/* The stopword table of a blank-separated list of words (pointing into the list), or NULL. */
static stop_t *read_stopwords(const char *list, Py_ssize_t n, stop_t *stack, size_t *mask)
{
    Py_ssize_t entries = 0, pos = 0;
    word_t w;
    while (next_word(list, &pos, n, &w))
        entries++;
    *mask = capacity_mask(entries);
    stop_t *stops = zeroed_table(stack, STACK_STOPS, *mask, sizeof(stop_t));
    for (pos = 0; stops != NULL && next_word(list, &pos, n, &w);) {
        uint64_t hash = mix(w.state);
        stop_t *s = stop_slot(stops, *mask, w.bytes, w.len, hash);
        s->hash = hash;
        s->word = w.bytes;
        s->len = w.len;
    }
    return stops;
}

/* How many letters _stem cuts from a content word ("attacks" -> "attack", "ended" -> "end"),
 * or -1 when the word is no content word (two letters or fewer, all digits, a stopword). */
static int stem_cut(stop_t *stops, size_t mask, const word_t *w)
{
    static const struct {
        const char *bytes;
        int len;
    } suffixes[] = {{"ing", 3}, {"ed", 2}, {"es", 2}, {"s", 1}};
    Py_ssize_t len = w->len, digits = 0;
    if (len <= 2)
        return -1;
    while (digits < len && w->bytes[digits] >= '0' && w->bytes[digits] <= '9')
        digits++;
    if (digits == len || stop_slot(stops, mask, w->bytes, len, mix(w->state))->word != NULL)
        return -1;
    char last = w->bytes[len - 1];
    if (last != 's' && last != 'd' && last != 'g')
        return 0; /* the last letters of the suffixes: most words have none */
    for (int k = 0; k < 4; k++) {
        int n = suffixes[k].len;
        if (len - n >= 3 && memcmp(w->bytes + len - n, suffixes[k].bytes, n) == 0)
            return n;
    }
    return 0;
}

/* The most content words a span can hold: three bytes each and a space between two. */
static Py_ssize_t content_words_in(const Py_ssize_t *span)
{
    return (span[1] - span[0] + 1) / 4;
}

/* True when the sentence [start, end) lies inside the quotation at q (q < 0: none), as
 * doc.in_quote decides. */
static int inside(const Py_ssize_t *quotes, Py_ssize_t q, Py_ssize_t start, Py_ssize_t end)
{
    return q >= 0 && quotes[2 * q] <= start && end <= quotes[2 * q + 1];
}

PyDoc_STRVAR(later_units_doc,
"later_units(lowered, spans, quotes, stopwords, min_words, min_shared, min_overlap) -> list[int]\n\n"
"The indexes of the spans that may be the later sentence of a near-duplicate pair, as\n"
"_may_be_later finds them: the units are the spans outside the quotations (both in order),\n"
"each with its distinct content stems (words of three bytes or more, not all digits, not\n"
"among the blank-separated ``stopwords``, through _stem); a unit of min_words stems or more\n"
"may be later when at least min_shared of its stems, and min_overlap of them, stand in the\n"
"units of min_words stems or more before it.");

static PyObject *later_units(PyObject *self, PyObject *args)
{
    Py_buffer text, stoplist;
    PyObject *spans, *quote_spans, *out = NULL;
    Py_ssize_t min_words, min_shared, count, nquotes;
    double min_overlap;
    if (!PyArg_ParseTuple(args, "y*OOy*nnd:later_units", &text, &spans, &quote_spans, &stoplist,
                          &min_words, &min_shared, &min_overlap))
        return NULL;
    stop_t stack_stops[STACK_STOPS], *stops = NULL;
    stem_t stack_stems[STACK_STEMS], *stems = NULL, **unit = NULL;
    size_t stop_mask, stem_mask = 0;
    Py_ssize_t *quotes = NULL, *bounds = read_spans(spans, text.len, &count);
    if (bounds == NULL || (quotes = read_spans(quote_spans, PY_SSIZE_T_MAX, &nquotes)) == NULL)
        goto done;
    if (count > INT32_MAX - 1) {
        PyErr_SetString(PyExc_ValueError, "too many sentences");
        goto done;
    }
    stops = read_stopwords(stoplist.buf, stoplist.len, stack_stops, &stop_mask);
    if (stops != NULL) {
        Py_ssize_t most = 0, words = 0;
        for (Py_ssize_t k = 0; k < count; k++) {
            Py_ssize_t n = content_words_in(bounds + 2 * k);
            words += n;
            most = n > most ? n : most;
        }
        /* words is a loose bound (real text has fewer, longer, repeated words): a table of
         * more than ``words`` slots is never full, and in practice at most half full */
        stem_mask = capacity_mask(words / 2 + 1);
        stems = zeroed_table(stack_stems, STACK_STEMS, stem_mask, sizeof(stem_t));
        unit = PyMem_New(stem_t *, most + 1);
    }
    if (stops == NULL || stems == NULL || unit == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    if ((out = PyList_New(0)) == NULL)
        goto done;
    Py_ssize_t q = 0;
    for (Py_ssize_t k = 0; k < count; k++) {
        Py_ssize_t start = bounds[2 * k], end = bounds[2 * k + 1];
        /* the last quotation that starts at or before the sentence, as _outside_quotes walks */
        while (q + 1 < nquotes && quotes[2 * (q + 1)] <= start)
            q++;
        if (inside(quotes, nquotes ? q : -1, start, end))
            continue;
        Py_ssize_t n = 0, shared = 0, pos = start;
        word_t word;
        int cut;
        while (next_word(text.buf, &pos, end, &word)) {
            if ((cut = stem_cut(stops, stop_mask, &word)) < 0)
                continue;
            uint64_t hash = stem_hash(&word, cut);
            stem_t *s = stem_slot(stems, stem_mask, hash);
            if (s->last_unit == k + 1)
                continue; /* already counted in this unit */
            s->hash = hash;
            s->last_unit = (int32_t)(k + 1);
            unit[n++] = s;
            shared += s->seen;
        }
        if (n < min_words)
            continue; /* too short to be compared, and so no part of what later units repeat */
        for (Py_ssize_t i = 0; i < n; i++)
            unit[i]->seen = 1;
        /* divided as covered_share divides, so that rounding agrees */
        double overlap = n ? (double)shared / (double)n : 0.0;
        if (shared >= min_shared && overlap >= min_overlap) {
            PyObject *index = PyLong_FromSsize_t(k);
            if (index == NULL || PyList_Append(out, index) < 0) {
                Py_XDECREF(index);
                Py_CLEAR(out);
                goto done;
            }
            Py_DECREF(index);
        }
    }
done:
    PyMem_Free(unit);
    if (stems != stack_stems)
        PyMem_Free(stems);
    if (stops != stack_stops)
        PyMem_Free(stops);
    PyMem_Free(quotes);
    PyMem_Free(bounds);
    PyBuffer_Release(&stoplist);
    PyBuffer_Release(&text);
    return out;
}

/* -- module ------------------------------------------------------------------------------- */

static PyMethodDef methods[] = {
    {"repeat_lengths", repeat_lengths, METH_VARARGS, repeat_lengths_doc},
    {"same_as_previous", same_as_previous, METH_VARARGS, same_as_previous_doc},
    {"later_units", later_units, METH_VARARGS, later_units_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_wordscan",
    "The duplication detector's per-word gates in C (see normalizer/detectors/duplication.py).",
    -1, methods, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__wordscan(void)
{
    if (START == NULL && (START = PyUnicode_InternFromString("start")) == NULL)
        return NULL;
    if (END == NULL && (END = PyUnicode_InternFromString("end")) == NULL)
        return NULL;
    return PyModule_Create(&module);
}
