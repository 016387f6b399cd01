#ifndef AIRLOCK_CSODIUM_SHIM_H
#define AIRLOCK_CSODIUM_SHIM_H
#include <sodium.h>
#endif
