import { type ReactNode, useCallback, useMemo, useState } from "react";
import {
  Checkbox as AriaCheckbox,
  Cell,
  Collection,
  Column,
  Row,
  type Selection,
  type SortDescriptor,
  Table,
  TableBody,
  TableHeader,
} from "react-aria-components";
import { Button } from "../Button";
import { cn } from "../cn";
import { Spinner } from "../Spinner";
import { thClass } from "./layout";

export type SortDirection = "ascending" | "descending";

/** Which column a table is sorted by, and which way. */
export interface TableSort {
  column: string;
  direction: SortDirection;
}

/** A column of a `DataTable`. */
export interface DataColumn<T> {
  /** Stable id: the key of `TableSort.column`. */
  id: string;
  /** The heading (also its accessible name). */
  header: string;
  /** The cell of a row. */
  cell: (row: T) => ReactNode;
  /**
   * The value the table sorts loaded rows by (client-side). Without it, `sortable` columns only report
   * the user's choice through `onSortChange` (sort on the server, e.g. with a `sort` query parameter).
   */
  sortValue?: (row: T) => string | number | null | undefined;
  /** Sortable without a `sortValue` (server-side sorting). Implied by `sortValue`. */
  sortable?: boolean;
  /** The column that names a row (one per table; the first column by default). */
  isRowHeader?: boolean;
  /** Right-aligned (amounts, counts). */
  align?: "right";
  /** The heading is read to screen readers only (an actions column). */
  hideHeader?: boolean;
}

/** "Load more" under the table (appends pages, e.g. with react-query's useInfiniteQuery). */
export interface LoadMorePaging {
  mode: "loadMore";
  hasMore: boolean;
  onLoadMore: () => void;
  isLoadingMore?: boolean;
  /** The list's `total`, for "20 of 153"; above 10,000 it reads "over 10,000" (the lists stop counting there). */
  total?: number;
}

/** Previous / next pages by cursor (see `useCursorPager`). */
export interface PagerPaging {
  mode: "pages";
  hasPrevious: boolean;
  hasNext: boolean;
  onPrevious: () => void;
  onNext: () => void;
  /** The name of the page navigation ("<table's aria-label> pages" by default). */
  label?: string;
  /** The 1-based page number, for "Page 2". */
  page?: number;
  total?: number;
}

type TableName =
  | { "aria-label": string; "aria-labelledby"?: never }
  | { "aria-labelledby": string; "aria-label"?: never };

export type DataTableProps<T> = TableName & {
  columns: DataColumn<T>[];
  /** The loaded rows; undefined while the first page loads. */
  rows: readonly T[] | undefined;
  /** A row's stable id (its selection key). */
  rowKey: (row: T) => string;
  /** A page is loading: the first one shows a spinner, later ones dim the rows (aria-busy). */
  isLoading?: boolean;
  /** What shows when there are no rows. */
  emptyState?: ReactNode;
  /** The sort (controlled); with `onSortChange`. */
  sort?: TableSort | null;
  defaultSort?: TableSort;
  onSortChange?: (sort: TableSort) => void;
  /** Rows with checkboxes: "multiple" adds a select-all checkbox to the header. */
  selectionMode?: "none" | "single" | "multiple";
  /**
   * Selected row ids (controlled). Select-all adds every loaded row; ids of rows on other pages stay
   * selected until the user clears the selection.
   */
  selectedKeys?: ReadonlySet<string>;
  defaultSelectedKeys?: Iterable<string>;
  onSelectionChange?: (keys: Set<string>) => void;
  /** Enter or a click on a row (e.g. open it). */
  onRowAction?: (key: string) => void;
  paging?: LoadMorePaging | PagerPaging;
  /** Buttons for the selected rows, shown in the bar above the table while some are selected. */
  bulkActions?: (selected: Set<string>) => ReactNode;
  className?: string;
};

function compare(a: string | number | null | undefined, b: string | number | null | undefined): number {
  if (a == null || a === "") return b == null || b === "" ? 0 : 1;
  if (b == null || b === "") return -1;
  if (typeof a === "number" && typeof b === "number") return a - b;
  return String(a).localeCompare(String(b), undefined, { numeric: true, sensitivity: "base" });
}

function SelectionCheckbox() {
  return (
    <AriaCheckbox slot="selection" className="group flex items-center justify-center">
      {({ isSelected, isIndeterminate }) => (
        <span
          aria-hidden="true"
          className={cn(
            "flex size-4 items-center justify-center rounded border text-white",
            "group-data-[focus-visible]:outline-2 group-data-[focus-visible]:outline-offset-2 group-data-[focus-visible]:outline-accent-600",
            isSelected || isIndeterminate ? "border-accent-700 bg-accent-700" : "border-neutral-500 bg-white",
          )}
        >
          {isIndeterminate ? (
            <svg aria-hidden="true" viewBox="0 0 16 16" className="size-3">
              <path d="M3 8h10" stroke="currentColor" strokeWidth="2.5" strokeLinecap="round" />
            </svg>
          ) : isSelected ? (
            <svg aria-hidden="true" viewBox="0 0 16 16" className="size-3">
              <path
                d="M3 8.5l3 3 7-7"
                fill="none"
                stroke="currentColor"
                strokeWidth="2.5"
                strokeLinecap="round"
                strokeLinejoin="round"
              />
            </svg>
          ) : null}
        </span>
      )}
    </AriaCheckbox>
  );
}

function SortArrow({ direction }: { direction: SortDirection | undefined }) {
  return (
    <svg
      aria-hidden="true"
      viewBox="0 0 16 16"
      className={cn("size-3.5 shrink-0", direction ? "text-neutral-900" : "text-neutral-400")}
    >
      {direction === "ascending" ? (
        <path d="M8 3l4 5H4z" fill="currentColor" />
      ) : direction === "descending" ? (
        <path d="M8 13l4-5H4z" fill="currentColor" />
      ) : (
        <path d="M8 2l3.5 4h-7zM8 14l3.5-4h-7z" fill="currentColor" />
      )}
    </svg>
  );
}

/**
 * A data table on react-aria-components' Table (an ARIA grid): arrow keys move between cells,
 * sortable headings say which way they sort (aria-sort), rows can be selected with checkboxes and a
 * select-all, and a polite status says how many rows show and are selected. Pages come by cursor,
 * with "Load more" or previous/next. The empty state and the first load show in the body.
 */
export function DataTable<T>(props: DataTableProps<T>) {
  const {
    columns,
    rows,
    rowKey,
    isLoading = false,
    emptyState = "Nothing here yet.",
    sort: sortProp,
    defaultSort,
    onSortChange,
    selectionMode = "none",
    selectedKeys: selectedProp,
    defaultSelectedKeys,
    onSelectionChange,
    onRowAction,
    paging,
    bulkActions,
    className,
  } = props;
  const label = props["aria-label"];
  const [innerSort, setInnerSort] = useState<TableSort | null>(defaultSort ?? null);
  const sort = sortProp !== undefined ? sortProp : innerSort;
  const [innerSelected, setInnerSelected] = useState<Set<string>>(() => new Set(defaultSelectedKeys));
  const selected = selectedProp ?? innerSelected;

  const items = useMemo(() => {
    const list = (rows ?? []).map((row) => ({ id: rowKey(row), row }));
    const column = sort && columns.find((c) => c.id === sort.column);
    if (column?.sortValue) {
      const value = column.sortValue;
      list.sort((a, b) => compare(value(a.row), value(b.row)) * (sort?.direction === "descending" ? -1 : 1));
    }
    return list;
  }, [rows, rowKey, sort, columns]);

  const changeSelection = useCallback(
    (keys: Selection) => {
      // "Select all" takes every loaded row (and keeps rows selected on other pages).
      const next =
        keys === "all" ? new Set([...selected, ...items.map((i) => i.id)]) : new Set([...keys].map(String));
      if (selectedProp === undefined) setInnerSelected(next);
      onSelectionChange?.(next);
    },
    [items, selected, selectedProp, onSelectionChange],
  );

  const changeSort = (descriptor: SortDescriptor) => {
    const next = { column: String(descriptor.column), direction: descriptor.direction };
    if (sortProp === undefined) setInnerSort(next);
    onSortChange?.(next);
  };

  const selecting = selectionMode !== "none";
  const firstLoad = rows === undefined || (isLoading && items.length === 0);
  const rowHeader = columns.find((c) => c.isRowHeader)?.id ?? columns[0]?.id;
  const loadedSelected = items.filter((i) => selected.has(i.id)).length;
  const total = paging?.total;

  return (
    <div className={className}>
      {selecting && selected.size > 0 && bulkActions && (
        <div className="mb-3 flex flex-wrap items-center gap-3 rounded-lg bg-accent-50 px-3 py-2 text-sm text-accent-900">
          <span>{selected.size} selected</span>
          {bulkActions(new Set(selected))}
        </div>
      )}
      {/* relative: the scroller holds its screen-reader-only (absolute) texts, e.g. a hidden column
          header, which would otherwise widen the page on a phone. */}
      <div className="relative overflow-x-auto rounded-sm">
        <Table
          aria-label={props["aria-label"]}
          aria-labelledby={props["aria-labelledby"]}
          aria-busy={isLoading || undefined}
          selectionMode={selectionMode}
          selectedKeys={selected}
          onSelectionChange={changeSelection}
          sortDescriptor={sort ? { column: sort.column, direction: sort.direction } : undefined}
          onSortChange={changeSort}
          onRowAction={onRowAction ? (key) => onRowAction(String(key)) : undefined}
          className={cn(
            "min-w-full divide-y divide-neutral-200 text-left text-sm",
            isLoading && !firstLoad && "opacity-60",
          )}
        >
          <TableHeader className="bg-neutral-50">
            {selecting && (
              <Column className={cn(thClass, "w-10")}>
                {selectionMode === "multiple" ? (
                  <SelectionCheckbox />
                ) : (
                  <span className="sr-only">Select</span>
                )}
              </Column>
            )}
            <Collection items={columns} dependencies={[sort]}>
              {(column) => (
                <Column
                  id={column.id}
                  isRowHeader={column.id === rowHeader}
                  allowsSorting={Boolean(column.sortValue || column.sortable)}
                  textValue={column.header}
                  className={cn(
                    thClass,
                    "outline-none data-[focus-visible]:outline-2 data-[focus-visible]:-outline-offset-2 data-[focus-visible]:outline-accent-600",
                    (column.sortValue || column.sortable) &&
                      "cursor-pointer select-none hover:bg-neutral-100",
                    column.align === "right" && "text-right",
                  )}
                >
                  {({ allowsSorting, sortDirection }) => (
                    <span
                      className={cn(
                        "inline-flex items-center gap-1",
                        column.align === "right" && "flex-row-reverse",
                      )}
                    >
                      <span className={cn(column.hideHeader && "sr-only")}>{column.header}</span>
                      {allowsSorting && <SortArrow direction={sortDirection} />}
                    </span>
                  )}
                </Column>
              )}
            </Collection>
          </TableHeader>
          <TableBody
            items={items}
            dependencies={[columns, selecting]}
            className="divide-y divide-neutral-200 bg-white"
            renderEmptyState={() => (
              <div className="px-3 py-10 text-center text-sm text-neutral-600">
                {firstLoad ? <Spinner label={`Loading ${label ?? "rows"}…`} /> : emptyState}
              </div>
            )}
          >
            {(item) => (
              <Row
                id={item.id}
                columns={columns}
                dependencies={[selecting]}
                className={cn(
                  "outline-none data-[focus-visible]:outline-2 data-[focus-visible]:-outline-offset-2 data-[focus-visible]:outline-accent-600",
                  "data-[selected]:bg-accent-50",
                  onRowAction && "cursor-pointer hover:bg-neutral-50",
                )}
              >
                {selecting && (
                  <Cell className="px-3 py-2 align-top">
                    <SelectionCheckbox />
                  </Cell>
                )}
                <Collection items={columns}>
                  {(column) => (
                    <Cell
                      className={cn(
                        "px-3 py-2 align-top text-neutral-800 outline-none",
                        "data-[focus-visible]:outline-2 data-[focus-visible]:-outline-offset-2 data-[focus-visible]:outline-accent-600",
                        column.align === "right" && "text-right tabular-nums",
                      )}
                    >
                      {column.cell(item.row)}
                    </Cell>
                  )}
                </Collection>
              </Row>
            )}
          </TableBody>
        </Table>
      </div>
      {(paging || (selecting && items.length > 0)) && !firstLoad && (
        <div className="mt-3 flex flex-wrap items-center justify-between gap-3 text-sm text-neutral-700">
          <p role="status">
            {items.length > 0 &&
              (total !== undefined && total > items.length
                ? `Showing ${items.length.toLocaleString("en-US")} of ${
                    // The staff lists stop counting at 10,001.
                    total > 10_000 ? "over 10,000" : total.toLocaleString("en-US")
                  }`
                : `Showing ${items.length.toLocaleString("en-US")}`)}
            {selecting && loadedSelected > 0 && `, ${selected.size} selected`}
            {paging?.mode === "pages" && paging.page !== undefined && ` (page ${paging.page})`}
          </p>
          {paging?.mode === "loadMore" && paging.hasMore && (
            <Button variant="secondary" size="sm" pending={paging.isLoadingMore} onClick={paging.onLoadMore}>
              Load more
            </Button>
          )}
          {paging?.mode === "pages" && (paging.hasPrevious || paging.hasNext) && (
            <nav aria-label={paging.label ?? `${label ?? "Table"} pages`} className="flex gap-2">
              <Button
                variant="secondary"
                size="sm"
                disabled={!paging.hasPrevious}
                onClick={paging.onPrevious}
              >
                Previous
              </Button>
              <Button variant="secondary" size="sm" disabled={!paging.hasNext} onClick={paging.onNext}>
                Next
              </Button>
            </nav>
          )}
        </div>
      )}
    </div>
  );
}

/**
 * Previous/next paging by cursor: keeps the cursors of the pages visited, so "Previous" goes back
 * without the API having to page backwards. Pass `cursor` to the list query; after it answers, feed
 * its `nextCursor` to `next`.
 */
export function useCursorPager() {
  const [stack, setStack] = useState<(string | undefined)[]>([undefined]);
  const cursor = stack[stack.length - 1];
  return {
    /** The cursor of the page to load (undefined for the first). */
    cursor,
    /** 1-based page number. */
    page: stack.length,
    hasPrevious: stack.length > 1,
    /** Goes to the page after the current one, given the list's `nextCursor`. */
    next: useCallback((nextCursor: string | null | undefined) => {
      if (nextCursor) setStack((s) => [...s, nextCursor]);
    }, []),
    previous: useCallback(() => setStack((s) => (s.length > 1 ? s.slice(0, -1) : s)), []),
    /** Back to the first page (after a filter or sort change). */
    reset: useCallback(() => setStack([undefined]), []),
  };
}
