#include "afa_kernels.h"

static _Thread_local int short_regions;

void afa_set_short_regions(int on) { short_regions = on; }

int afa_short_regions(void) { return short_regions; }
