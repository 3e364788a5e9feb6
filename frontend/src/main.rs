//! Herald's single-page app: a Yew client-side app compiled to WebAssembly.
//!
//! `scripts/build-frontend.sh` builds it into `frontend/dist/`, which the backend serves
//! (hashed assets immutable, `index.html` for every client-side route).

mod app;
mod components;
mod hooks;
mod i18n;
mod pages;
mod services;
mod session;

fn main() {
    // index.html shows a static "Loading" note inside #herald until the wasm is running;
    // clear it and mount there. Without that element, fall back to <body>.
    let root = web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.get_element_by_id("herald"));
    match root {
        Some(root) => {
            root.set_inner_html("");
            yew::Renderer::<app::App>::with_root(root).render();
        }
        None => {
            yew::Renderer::<app::App>::new().render();
        }
    }
}
