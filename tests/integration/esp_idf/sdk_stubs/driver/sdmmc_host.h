// Stand-in (README.md).
#pragma once
#include "sdmmc_cmd.h"
