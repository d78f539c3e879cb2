// A kernel with a syntax error on line 2.
int add(int a, int b) { return a + ; }
