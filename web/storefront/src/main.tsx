import { QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { RouterProvider } from "react-router/dom";
import { queryClient } from "./queries";
import { router } from "./router";
import "./styles.css";

// The server renders the page's head tags (marked data-ssr-head) for crawlers; the app renders its
// own from here on, so drop those and the static <title> to avoid duplicates.
for (const element of document.head.querySelectorAll("title, [data-ssr-head]")) element.remove();

const container = document.getElementById("root");
if (!container) throw new Error("Missing #root element");

createRoot(container).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  </StrictMode>,
);
