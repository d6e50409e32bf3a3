import { Route, Routes } from "react-router";
import { AnnouncementEditor } from "../components/content/AnnouncementEditor";
import { HomeEditor } from "../components/content/HomeEditor";
import { MenusEditor } from "../components/content/MenusEditor";
import { PageEditor } from "../components/content/PageEditor";
import { PagesList } from "../components/content/PagesList";
import { NotFoundPage } from "./not-found";

/**
 * The content screen (/content/*, `cms:write`): pages (list and editor), the home page's sections,
 * the main and footer menus and the announcement bar, each with a draft staff save and a published
 * copy shoppers see.
 */
export function ContentPage() {
  return (
    <Routes>
      <Route index element={<PagesList />} />
      <Route path="pages/new" element={<PageEditor key="new" />} />
      <Route path="pages/:id" element={<PageEditor />} />
      <Route path="home" element={<HomeEditor />} />
      <Route path="menus" element={<MenusEditor />} />
      <Route path="announcement" element={<AnnouncementEditor />} />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}
