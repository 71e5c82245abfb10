#ifndef AFA_CVIPS_SHIM_H
#define AFA_CVIPS_SHIM_H
#include <vips/vips.h>

// libvips takes its options as C varargs, which Swift cannot call: each operation the service
// uses gets a fixed-argument wrapper here, with its options spelled out once.

static void afa_vips_ignore(const gchar *domain, GLogLevelFlags level, const gchar *message, gpointer data) {}

static inline int afa_vips_start(void) {
    if (VIPS_INIT("afa") != 0) return -1;
    // A damaged file also makes libvips log warnings to stderr; the failure itself comes back as
    // an error and is recorded with the job, so the log lines would only be noise.
    g_log_set_handler("VIPS", G_LOG_LEVEL_WARNING, afa_vips_ignore, NULL);
    // Every call runs on one of the service's own compute threads: libvips must not start a
    // thread pool of its own beside them, nor keep a cache of operations between assets.
    vips_concurrency_set(1);
    vips_cache_set_max(0);
    vips_cache_set_max_mem(0);
    vips_cache_set_max_files(0);
    // Loaders libvips marks untrusted (ImageMagick, PDF, SVG…) never see uploaded bytes.
    vips_block_untrusted_set(TRUE);
    return 0;
}

/// The header only: nothing is decoded until pixels are asked for.
static inline VipsImage *afa_vips_header(const void *bytes, size_t length) {
    return vips_image_new_from_buffer(bytes, length, "", NULL);
}

static inline const char *afa_vips_loader(const void *bytes, size_t length) {
    return vips_foreign_find_load_buffer(bytes, length);
}

/// The one decode: shrink-on-load to fit `box`, never enlarged, rotated upright by its EXIF
/// orientation. An image with an embedded ICC profile is transformed to sRGB through it (the
/// thumbnail operation's default); one without is taken as sRGB already, which saves building a
/// colour transform per image (the operation cache is off). A truncated or corrupt file fails
/// instead of showing grey where its pixels are missing.
static inline int afa_vips_decode_to_fit(const void *bytes, size_t length, int box, VipsImage **out) {
    return vips_thumbnail_buffer((void *)bytes, length, out, box, "height", box, "size", VIPS_SIZE_DOWN,
        "option_string", "fail_on=error", NULL);
}

static inline int afa_vips_fit(VipsImage *in, int width, int height, int force, VipsImage **out) {
    return vips_thumbnail_image(in, out, width, "height", height, "size", force ? VIPS_SIZE_FORCE : VIPS_SIZE_BOTH,
        NULL);
}

static inline int afa_vips_cover_centre(VipsImage *in, int side, VipsImage **out) {
    return vips_thumbnail_image(in, out, side, "height", side, "crop", VIPS_INTERESTING_CENTRE, NULL);
}

static inline int afa_vips_resize(VipsImage *in, double scale, VipsImage **out) {
    return vips_resize(in, out, scale, "kernel", VIPS_KERNEL_LANCZOS3, NULL);
}

/// 8-bit sRGB with three bands: alpha flattened onto white, grey expanded, 16-bit reduced.
static inline int afa_vips_srgb8(VipsImage *in, VipsImage **out) {
    VipsImage *flat = NULL, *srgb = NULL;
    int result;
    if (vips_image_hasalpha(in)) {
        VipsArrayDouble *white = vips_array_double_newv(1, 255.0);
        result = vips_flatten(in, &flat, "background", white, NULL);
        vips_area_unref(VIPS_AREA(white));
        if (result) return result;
    } else {
        flat = in;
        g_object_ref(flat);
    }
    result = vips_colourspace(flat, &srgb, VIPS_INTERPRETATION_sRGB, NULL);
    g_object_unref(flat);
    if (result) return result;
    VipsImage *cast = NULL;
    result = vips_cast_uchar(srgb, &cast, NULL);
    g_object_unref(srgb);
    if (result) return result;
    // Extra channels (a TIFF with more samples than RGB and alpha) pass through colourspace
    // conversions untouched: only the first three are the picture.
    if (vips_image_get_bands(cast) == 3) {
        *out = cast;
        return 0;
    }
    result = vips_extract_band(cast, out, 0, "n", 3, NULL);
    g_object_unref(cast);
    return result;
}

static inline int afa_vips_grey8(VipsImage *in, VipsImage **out) {
    VipsImage *grey = NULL, *cast = NULL;
    int result = vips_colourspace(in, &grey, VIPS_INTERPRETATION_B_W, NULL);
    if (result) return result;
    result = vips_cast_uchar(grey, &cast, NULL);
    g_object_unref(grey);
    if (result) return result;
    result = vips_extract_band(cast, out, 0, NULL);
    g_object_unref(cast);
    return result;
}

/// The centre `width` × `height` of an image.
static inline int afa_vips_centre(VipsImage *in, int width, int height, VipsImage **out) {
    return vips_extract_area(in, out, (vips_image_get_width(in) - width) / 2, (vips_image_get_height(in) - height) / 2,
        width, height, NULL);
}

/// `effort` 0–6 trades encoding time for size at the same quality.
static inline int afa_vips_webp(VipsImage *in, int quality, int effort, void **bytes, size_t *length) {
    return vips_webpsave_buffer(in, bytes, length, "Q", quality, "effort", effort, "strip", TRUE, NULL);
}

static inline int afa_vips_png(VipsImage *in, void **bytes, size_t *length) {
    return vips_pngsave_buffer(in, bytes, length, "compression", 1, "strip", TRUE, NULL);
}

static inline int afa_vips_deviate(VipsImage *in, double *out) { return vips_deviate(in, out, NULL); }

static inline void afa_vips_unref(VipsImage *image) { g_object_unref(image); }

static inline int afa_vips_blob(VipsImage *image, const char *name, const void **bytes, size_t *length) {
    if (vips_image_get_typeof(image, name) == 0) return -1;
    return vips_image_get_blob(image, name, bytes, length);
}
#endif
