process.stderr.write('loading the native library failed: libfoo.so: cannot open shared object file\n');
throw new Error('libfoo.so could not be loaded');
