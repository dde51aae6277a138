// The precompiled header is built with this otherwise empty file.
