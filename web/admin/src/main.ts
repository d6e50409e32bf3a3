// Placeholder until the admin dashboard lands (accounts and roles come first).
const app = document.getElementById("app");
if (app) {
  app.innerHTML =
    "<h1>Bazaar admin</h1><p>The admin dashboard is being built. The store API is documented at <a href='/api/docs'>/api/docs</a>.</p>";
}
