/** Content (CMS): pages, the home page, menus, the announcement bar. Other modules import only from here. */
export {};
