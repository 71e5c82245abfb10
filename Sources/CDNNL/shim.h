#ifndef AFA_CDNNL_SHIM_H
#define AFA_CDNNL_SHIM_H
// oneDNN 2.x C API (Debian libdnnl-dev): matrix products with weights packed once, in float32,
// bfloat16 (AVX-512 BF16) or int8 (VNNI).
#include <dnnl.h>
#endif
