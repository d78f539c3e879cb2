//! about a ring of static structs linked by pointers stored in .data (absolute 64-bit data relocations); the kernel walks and mutates it, 4 calls
//! fn ring(steps: u32, out: *i64) -> i64
//! arg steps = 13
//! buf out: i64[6] inout = zero
//! calls 4

struct node { long long value; struct node *next; struct node *skip; };
extern struct node n0, n1, n2, n3, n4, n5;
struct node n0 = {10, &n1, &n3};
struct node n1 = {-20, &n2, &n4};
struct node n2 = {30, &n3, &n5};
struct node n3 = {-40, &n4, &n0};
struct node n4 = {50, &n5, &n1};
struct node n5 = {-60, &n0, &n2};
static struct node *cursor = &n0;

long long ring(unsigned steps, long long *out) {
    long long sum = 0;
    for (unsigned s = 0; s < steps; s++) {
        sum += cursor->value;
        cursor->value = (long long)((unsigned long long)cursor->value * 3u + s);
        cursor = (s & 1u) ? cursor->skip : cursor->next;
    }
    struct node *all[6] = {&n0, &n1, &n2, &n3, &n4, &n5};
    for (int k = 0; k < 6; k++) out[k] = all[k]->value;
    return sum;
}
