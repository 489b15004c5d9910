// Placeholder until the bank commands land (next commit).
int main() { return 0; }
