/*
 * powercutfs: a pass-through FUSE file system that can lose power.
 *
 * Usage: powercutfs BACKING MOUNTPOINT   (runs in the foreground; commands on standard input, one a line)
 *   cut     drop every byte written since its file was last fsync'ed or fdatasync'ed, as a power cut would; answers "ok"
 *   stats   answers "dirty N syncs M": files holding unsynced data, fsyncs seen
 * It stops when unmounted (fusermount3 -u MOUNTPOINT).
 *
 * The model, chosen to be harsh: file data reaches the disk only through fsync/fdatasync of that file (no writeback, no
 * close-to-disk). The namespace (create, mkdir, rename, unlink, chmod, times) is durable at once. Every write goes through to
 * BACKING; before the first change of a file since its last sync, the file's durable content is kept in memory, and "cut"
 * puts it back. Changes run one at a time under one lock (tests need correctness, not speed). The kernel asks again for every
 * attribute and drops its cached pages of a file at each open, so what a process started after a cut reads comes from here.
 *
 * Built by the tests with: gcc -O2 -Wall powercutfs.c $(pkg-config --cflags --libs fuse3) -lpthread
 */
#define FUSE_USE_VERSION 31
#define _GNU_SOURCE
#include <fuse.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/time.h>
#include <unistd.h>

static char *backing;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long syncs;

/* A file changed since its last sync: its path in BACKING and the content it had then. */
struct undo {
    char *path;
    char *content;
    size_t length;
    struct undo *next;
};
static struct undo *undos;

static char *full(const char *path) {
    char *result;
    if (asprintf(&result, "%s%s", backing, path) < 0)
        abort();
    return result;
}

static struct undo *find(const char *path) {
    for (struct undo *u = undos; u; u = u->next)
        if (strcmp(u->path, path) == 0)
            return u;
    return NULL;
}

/* Before a file's first change since its last sync: keep what a power cut must bring back. */
static int remember(const char *path) {
    if (find(path))
        return 0;
    char *file = full(path);
    struct undo *u = calloc(1, sizeof *u);
    u->path = strdup(path);
    int fd = open(file, O_RDONLY);
    free(file);
    if (fd >= 0) {
        struct stat st;
        fstat(fd, &st);
        u->length = st.st_size;
        u->content = malloc(u->length ? u->length : 1);
        size_t done = 0;
        while (done < u->length) {
            ssize_t n = pread(fd, u->content + done, u->length - done, done);
            if (n <= 0)
                break;
            done += n;
        }
        close(fd);
    } else {
        u->content = malloc(1);
    }
    u->next = undos;
    undos = u;
    return 0;
}

static void forget(const char *path) {
    for (struct undo **p = &undos; *p; p = &(*p)->next) {
        if (strcmp((*p)->path, path) == 0) {
            struct undo *u = *p;
            *p = u->next;
            free(u->path);
            free(u->content);
            free(u);
            return;
        }
    }
}

/* A rename moves a file's pending loss with it; a file renamed over loses its own. */
static void moved(const char *from, const char *to) {
    forget(to);
    struct undo *u = find(from);
    if (u) {
        free(u->path);
        u->path = strdup(to);
    }
}

static int cut(void) {
    int restored = 0;
    while (undos) {
        struct undo *u = undos;
        undos = u->next;
        char *file = full(u->path);
        int fd = open(file, O_WRONLY | O_TRUNC);
        if (fd >= 0) {
            size_t done = 0;
            while (done < u->length) {
                ssize_t n = pwrite(fd, u->content + done, u->length - done, done);
                if (n <= 0)
                    break;
                done += n;
            }
            fsync(fd);
            close(fd);
            restored++;
        }
        free(file);
        free(u->path);
        free(u->content);
        free(u);
    }
    return restored;
}

#define LOCKED(body)              \
    do {                          \
        pthread_mutex_lock(&lock); \
        int r_ = (body);          \
        pthread_mutex_unlock(&lock); \
        return r_;                \
    } while (0)

static int op_getattr(const char *path, struct stat *st, struct fuse_file_info *fi) {
    (void)fi;
    char *file = full(path);
    int r = lstat(file, st) == 0 ? 0 : -errno;
    free(file);
    return r;
}

static int op_readlink(const char *path, char *buffer, size_t size) {
    char *file = full(path);
    ssize_t n = readlink(file, buffer, size - 1);
    free(file);
    if (n < 0)
        return -errno;
    buffer[n] = 0;
    return 0;
}

static int op_readdir(const char *path, void *buffer, fuse_fill_dir_t fill, off_t offset, struct fuse_file_info *fi,
                      enum fuse_readdir_flags flags) {
    (void)offset; (void)fi; (void)flags;
    char *folder = full(path);
    DIR *dir = opendir(folder);
    free(folder);
    if (!dir)
        return -errno;
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL)
        fill(buffer, entry->d_name, NULL, 0, 0);
    closedir(dir);
    return 0;
}

static int simple(int result) { return result == 0 ? 0 : -errno; }

static int do_mkdir(const char *path, mode_t mode) { char *f = full(path); int r = simple(mkdir(f, mode)); free(f); return r; }
static int op_mkdir(const char *path, mode_t mode) { LOCKED(do_mkdir(path, mode)); }

static int do_rmdir(const char *path) { char *f = full(path); int r = simple(rmdir(f)); free(f); return r; }
static int op_rmdir(const char *path) { LOCKED(do_rmdir(path)); }

static int do_unlink(const char *path) {
    char *f = full(path);
    int r = simple(unlink(f));
    free(f);
    if (r == 0)
        forget(path);
    return r;
}
static int op_unlink(const char *path) { LOCKED(do_unlink(path)); }

static int do_symlink(const char *target, const char *path) { char *f = full(path); int r = simple(symlink(target, f)); free(f); return r; }
static int op_symlink(const char *target, const char *path) { LOCKED(do_symlink(target, path)); }

static int do_rename(const char *from, const char *to, unsigned int flags) {
    char *a = full(from), *b = full(to);
    int r = simple(renameat2(AT_FDCWD, a, AT_FDCWD, b, flags));
    free(a);
    free(b);
    if (r == 0)
        moved(from, to);
    return r;
}
static int op_rename(const char *from, const char *to, unsigned int flags) { LOCKED(do_rename(from, to, flags)); }

static int do_chmod(const char *path, mode_t mode) { char *f = full(path); int r = simple(chmod(f, mode)); free(f); return r; }
static int op_chmod(const char *path, mode_t mode, struct fuse_file_info *fi) { (void)fi; LOCKED(do_chmod(path, mode)); }

static int do_chown(const char *path, uid_t uid, gid_t gid) { char *f = full(path); int r = simple(lchown(f, uid, gid)); free(f); return r; }
static int op_chown(const char *path, uid_t uid, gid_t gid, struct fuse_file_info *fi) { (void)fi; LOCKED(do_chown(path, uid, gid)); }

static int do_truncate(const char *path, off_t size) {
    remember(path);
    char *f = full(path);
    int r = simple(truncate(f, size));
    free(f);
    return r;
}
static int op_truncate(const char *path, off_t size, struct fuse_file_info *fi) { (void)fi; LOCKED(do_truncate(path, size)); }

static int do_utimens(const char *path, const struct timespec ts[2]) {
    char *f = full(path);
    int r = simple(utimensat(AT_FDCWD, f, ts, AT_SYMLINK_NOFOLLOW));
    free(f);
    return r;
}
static int op_utimens(const char *path, const struct timespec ts[2], struct fuse_file_info *fi) { (void)fi; LOCKED(do_utimens(path, ts)); }

static int do_open(const char *path, struct fuse_file_info *fi, int create, mode_t mode) {
    char *f = full(path);
    if (fi->flags & O_TRUNC)
        remember(path);
    int fd = create ? open(f, fi->flags, mode) : open(f, fi->flags);
    free(f);
    if (fd < 0)
        return -errno;
    fi->fh = fd;
    return 0;
}
static int op_open(const char *path, struct fuse_file_info *fi) { LOCKED(do_open(path, fi, 0, 0)); }
static int op_create(const char *path, mode_t mode, struct fuse_file_info *fi) { LOCKED(do_open(path, fi, 1, mode)); }

static int do_read(char *buffer, size_t size, off_t offset, struct fuse_file_info *fi) {
    ssize_t n = pread(fi->fh, buffer, size, offset);
    return n < 0 ? -errno : (int)n;
}
static int op_read(const char *path, char *buffer, size_t size, off_t offset, struct fuse_file_info *fi) {
    (void)path;
    LOCKED(do_read(buffer, size, offset, fi));
}

static int do_write(const char *path, const char *buffer, size_t size, off_t offset, struct fuse_file_info *fi) {
    remember(path);
    ssize_t n = pwrite(fi->fh, buffer, size, offset);
    return n < 0 ? -errno : (int)n;
}
static int op_write(const char *path, const char *buffer, size_t size, off_t offset, struct fuse_file_info *fi) {
    LOCKED(do_write(path, buffer, size, offset, fi));
}

static int do_fsync(const char *path, struct fuse_file_info *fi) {
    syncs++;
    if (fsync(fi->fh) != 0)
        return -errno;
    forget(path);
    return 0;
}
static int op_fsync(const char *path, int datasync, struct fuse_file_info *fi) { (void)datasync; LOCKED(do_fsync(path, fi)); }

static int op_release(const char *path, struct fuse_file_info *fi) {
    (void)path;
    close(fi->fh);
    return 0;
}

static int op_flush(const char *path, struct fuse_file_info *fi) { (void)path; (void)fi; return 0; }

static int op_fsyncdir(const char *path, int datasync, struct fuse_file_info *fi) { (void)path; (void)datasync; (void)fi; return 0; }

static int op_statfs(const char *path, struct statvfs *st) {
    char *f = full(path);
    int r = simple(statvfs(f, st));
    free(f);
    return r;
}

static int op_access(const char *path, int mask) { char *f = full(path); int r = simple(access(f, mask)); free(f); return r; }

static void *op_init(struct fuse_conn_info *conn, struct fuse_config *cfg) {
    (void)conn;
    /* What the kernel caches it does not ask for: attributes and names must come from here after a cut. */
    cfg->entry_timeout = 0;
    cfg->attr_timeout = 0;
    cfg->negative_timeout = 0;
    cfg->use_ino = 1;
    cfg->kernel_cache = 0;
    return NULL;
}

static const struct fuse_operations operations = {
    .init = op_init,
    .getattr = op_getattr,
    .readlink = op_readlink,
    .readdir = op_readdir,
    .mkdir = op_mkdir,
    .rmdir = op_rmdir,
    .unlink = op_unlink,
    .symlink = op_symlink,
    .rename = op_rename,
    .chmod = op_chmod,
    .chown = op_chown,
    .truncate = op_truncate,
    .utimens = op_utimens,
    .open = op_open,
    .create = op_create,
    .read = op_read,
    .write = op_write,
    .fsync = op_fsync,
    .fsyncdir = op_fsyncdir,
    .release = op_release,
    .flush = op_flush,
    .statfs = op_statfs,
    .access = op_access,
};

static void *commands(void *unused) {
    (void)unused;
    char line[64];
    while (fgets(line, sizeof line, stdin)) {
        pthread_mutex_lock(&lock);
        if (strncmp(line, "cut", 3) == 0) {
            printf("ok %d\n", cut());
        } else if (strncmp(line, "stats", 5) == 0) {
            int dirty = 0;
            for (struct undo *u = undos; u; u = u->next)
                dirty++;
            printf("dirty %d syncs %ld\n", dirty, syncs);
        } else {
            printf("error unknown command\n");
        }
        fflush(stdout);
        pthread_mutex_unlock(&lock);
    }
    return NULL;
}

int main(int argc, char *argv[]) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s BACKING MOUNTPOINT\n", argv[0]);
        return 2;
    }
    backing = realpath(argv[1], NULL);
    if (!backing) {
        perror(argv[1]);
        return 2;
    }
    char *fuse_argv[] = { argv[0], "-o", "default_permissions,fsname=powercutfs", NULL };
    struct fuse_args args = FUSE_ARGS_INIT(3, fuse_argv);
    struct fuse *fs = fuse_new(&args, &operations, sizeof operations, NULL);
    if (!fs || fuse_mount(fs, argv[2]) != 0) {
        fprintf(stderr, "powercutfs: cannot mount %s\n", argv[2]);
        return 1;
    }
    printf("mounted\n");
    fflush(stdout);
    pthread_t reader;
    pthread_create(&reader, NULL, commands, NULL);
    int result = fuse_loop_mt(fs, 0);
    fuse_unmount(fs);
    fuse_destroy(fs);
    return result == 0 ? 0 : 1;
}
