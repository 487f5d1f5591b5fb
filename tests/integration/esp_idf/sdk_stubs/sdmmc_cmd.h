// Stand-in (README.md).
#pragma once
typedef struct { int slot; } sdmmc_host_t;
typedef struct { int width; } sdmmc_slot_config_t;
typedef struct sdmmc_card_s sdmmc_card_t;
#define SDMMC_HOST_DEFAULT() sdmmc_host_t{1}
#define SDMMC_SLOT_CONFIG_DEFAULT() sdmmc_slot_config_t{4}
