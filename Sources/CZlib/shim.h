#ifndef AFA_CZLIB_SHIM_H
#define AFA_CZLIB_SHIM_H
#include <zlib.h>
#endif
