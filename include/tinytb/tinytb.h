// tinytb: everything an application needs, in one include.
#ifndef TINYTB_TINYTB_H_
#define TINYTB_TINYTB_H_

#include "tinytb/writer/async_writer.h"
#include "tinytb/summary/audio.h"
#include "tinytb/render/canvas.h"
#include "tinytb/render/charts.h"
#include "tinytb/writer/clock.h"
#include "tinytb/render/colormap.h"
#include "tinytb/config.h"
#include "tinytb/format/crc32c.h"
#include "tinytb/writer/event_writer.h"
#include "tinytb/summary/histogram.h"
#include "tinytb/hparams.h"
#include "tinytb/image/image_view.h"
#include "tinytb/png/png_encoder.h"
#include "tinytb/format/record.h"
#include "tinytb/writer/sink.h"
#include "tinytb/summary/sizing.h"
#include "tinytb/summary/top_k.h"
#include "tinytb/status.h"
#include "tinytb/values.h"
#include "tinytb/version.h"

#endif  // TINYTB_TINYTB_H_
