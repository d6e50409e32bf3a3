import tailwindcss from "@tailwindcss/vite";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

/** Where the API server runs in development (`vite` / `vite preview` proxy /api to it). */
const apiTarget = process.env.BAZAAR_API_URL ?? "http://localhost:3000";

const proxy = {
  "/api": { target: apiTarget, changeOrigin: true },
};

export default defineConfig({
  base: "/admin/",
  plugins: [react(), tailwindcss()],
  server: { port: 5174, proxy },
  preview: { port: 4174, proxy },
  build: {
    outDir: "dist",
    emptyOutDir: true,
  },
});
