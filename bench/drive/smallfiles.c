// Small files through a file system, one process and no shell in the loop (a shell's fork or even its builtins cost more
// per file than a FUSE round trip):
//   smallfiles create DIR N SIZE   makes DIR/f00000 ... each SIZE random bytes: open(O_CREAT|O_EXCL), write, close
//   smallfiles stat DIR N SIZE     lstat()s each, checking it is a regular file of SIZE bytes
// Prints the seconds the loop took; exits 1 naming the first file that failed.
#define _GNU_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static double seconds(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}

static int create_files(const char *dir, long count, size_t size) {
    char *data = malloc(size + sizeof count);
    if (data == NULL || getrandom(data, size + sizeof count, 0) != (ssize_t)(size + sizeof count)) {
        perror("smallfiles: random data");
        return 1;
    }
    char path[4096];
    double start = seconds();
    for (long i = 0; i < count; i++) {
        snprintf(path, sizeof path, "%s/f%05ld", dir, i);
        // Each file's bytes differ from the others': its index goes into its first bytes.
        memcpy(data, &i, sizeof i);
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
        if (fd == -1 || write(fd, data, size) != (ssize_t)size || close(fd) == -1) {
            fprintf(stderr, "smallfiles: creating %s: %s\n", path, strerror(errno));
            return 1;
        }
    }
    printf("%.6f\n", seconds() - start);
    free(data);
    return 0;
}

static int stat_files(const char *dir, long count, size_t size) {
    char path[4096];
    struct stat st;
    double start = seconds();
    for (long i = 0; i < count; i++) {
        snprintf(path, sizeof path, "%s/f%05ld", dir, i);
        if (lstat(path, &st) == -1) {
            fprintf(stderr, "smallfiles: stat %s: %s\n", path, strerror(errno));
            return 1;
        }
        if (!S_ISREG(st.st_mode) || (size_t)st.st_size != size) {
            fprintf(stderr, "smallfiles: %s is not a file of %zu bytes (mode %o, %lld bytes)\n", path, size, st.st_mode,
                    (long long)st.st_size);
            return 1;
        }
    }
    printf("%.6f\n", seconds() - start);
    return 0;
}

int main(int argc, char *argv[]) {
    long count = argc == 5 ? strtol(argv[3], NULL, 10) : 0;
    long size = argc == 5 ? strtol(argv[4], NULL, 10) : 0;
    if (count <= 0 || size <= 0 || (strcmp(argv[1], "create") != 0 && strcmp(argv[1], "stat") != 0)) {
        fprintf(stderr, "usage: smallfiles create|stat DIR N SIZE\n");
        return 2;
    }
    return strcmp(argv[1], "create") == 0 ? create_files(argv[2], count, (size_t)size) : stat_files(argv[2], count, (size_t)size);
}
