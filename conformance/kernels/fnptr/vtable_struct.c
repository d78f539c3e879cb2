//! about C "objects" with a vtable pointer: static const vtables of function pointers, objects in .data
//! fn shapes(scale: *f64, out: *f64) -> f64
//! buf scale: f64[6] in = uniform(0.5, 2)
//! buf out: f64[12] out
//! flags -ffp-contract=off

struct shape;
struct vtable { double (*area)(const struct shape *); double (*perimeter)(const struct shape *); };
struct shape { const struct vtable *vt; double a, b; };

static double rect_area(const struct shape *s) { return s->a * s->b; }
static double rect_perim(const struct shape *s) { return 2.0 * (s->a + s->b); }
static double circ_area(const struct shape *s) { return 3.141592653589793 * s->a * s->a; }
static double circ_perim(const struct shape *s) { return 2.0 * 3.141592653589793 * s->a; }
static double tri_area(const struct shape *s) { return 0.5 * s->a * s->b; }
static double tri_perim(const struct shape *s) { return s->a + s->b + __builtin_sqrt(s->a * s->a + s->b * s->b); }

static const struct vtable RECT = {rect_area, rect_perim};
static const struct vtable CIRC = {circ_area, circ_perim};
static const struct vtable TRI = {tri_area, tri_perim};

static struct shape objs[6] = {
    {&RECT, 2, 3}, {&CIRC, 1, 0}, {&TRI, 3, 4}, {&RECT, 0.5, 8}, {&CIRC, 2.5, 0}, {&TRI, 1, 1},
};

double shapes(const double *scale, double *out) {
    double total = 0.0;
    for (int i = 0; i < 6; i++) {
        struct shape s = objs[i];
        s.a *= scale[i];
        s.b *= scale[i];
        out[2 * i] = s.vt->area(&s);
        out[2 * i + 1] = s.vt->perimeter(&s);
        total += out[2 * i];
    }
    return total;
}
