#ifndef AFA_CBLAS_SHIM_H
#define AFA_CBLAS_SHIM_H
// Debian's libopenblas-dev installs cblas.h through the alternatives system.
#include <cblas.h>
#endif
