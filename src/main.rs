//! Mounts the Azimuth studio.

fn main() {
    // Panic messages in the console while developing; release builds leave the hook out to
    // stay inside the first-load budget (a release panic still stops the page and logs it).
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    azimuth_studio::start();
}
