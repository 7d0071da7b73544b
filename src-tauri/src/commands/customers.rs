//! Customers: the list, imports, certification counts, retention and a customer's file.

use workbench_app::customers::{
    self, CountsView, CustomerPage, CustomerQuery, ExportFormat, ExportSummary, ImportReport,
    OwnersImportReport,
};
use workbench_app::retention::{self, CloseAccount, RetentionView};
use workbench_app::review as rv;

use workbench_app::ApiError;

use super::{Dialog, first};

command! {
    /// A page of customers (search, country, sort and paging happen in the backend).
    fn customers_list(query: CustomerQuery) -> CustomerPage;
    |s| customers::list(s.context(), s.session(), &query)
}

command! {
    /// Pick a customers CSV or workbook and check it without storing anything (dry run); the
    /// file is remembered for `customers_import_commit`. Null when cancelled.
    fn customers_import_check() -> Option<ImportReport>;
    dialog Dialog::open("Import customers (CSV or Excel)").filter("Customers", &["csv", "xlsx"]);
    |s, path| {
        let report = customers::import(s.context(), s.session(), &path, true);
        *s.pending_import() = report.as_ref().is_ok_and(|r| r.errors.is_empty()).then_some(path);
        report
    }
}

command! {
    /// Store the file checked by `customers_import_check`, all or nothing, as a job whose
    /// progress the status bar shows and which `job_cancel` stops (keeping nothing).
    fn customers_import_commit() -> ImportReport;
    |s| {
        // The job first: refused while another runs, the checked file stays chosen.
        let job = s.jobs().start_cancellable("Importing")?;
        let path = s.pending_import().take().ok_or_else(|| first("choose and check a file"))?;
        customers::import_tracked(s.context(), s.session(), &path, None, None, false, &mut |done, total| {
            job.proceed(done, total)
        })
        .map_err(ApiError::from)
    }
}

command! {
    /// Pick an owners file (CSV or Excel) adding beneficial owners to existing customers and
    /// check it (dry run; says whose review it re-opens, R7). Null when cancelled.
    fn customers_owners_check() -> Option<OwnersImportReport>;
    dialog Dialog::open("Add beneficial owners (CSV or Excel)").filter("Owners", &["csv", "xlsx"]);
    |s, path| {
        let report = customers::owners_import(s.context(), s.session(), &path, true);
        *s.pending_owners() = report.as_ref().is_ok_and(|r| r.errors.is_empty()).then_some(path);
        report
    }
}

command! {
    /// Store the owners file checked by `customers_owners_check`, all or nothing; each customer
    /// with a new owner goes back to the verification queue (R7).
    fn customers_owners_commit() -> OwnersImportReport;
    |s| {
        let path = s.pending_owners().take().ok_or_else(|| first("choose and check a file"))?;
        customers::owners_import(s.context(), s.session(), &path, false).map_err(ApiError::from)
    }
}

command! {
    /// Export the customers matching the list's search and country to a file chosen in the save
    /// dialog: CSV (the import's own columns), JSON (each whole file) or an Excel workbook; as a
    /// job whose progress the status bar shows and which `job_cancel` stops (writing nothing);
    /// audited. Null when the dialog is cancelled.
    fn customers_export_all(query: CustomerQuery, format: ExportFormat) -> Option<ExportSummary>;
    dialog Dialog::save(
        "Export customers",
        match format {
            ExportFormat::Csv => "customers.csv",
            ExportFormat::Json => "customers.json",
            ExportFormat::Xlsx => "customers.xlsx",
        },
    );
    |s, path| {
        let job = s.jobs().start_cancellable("Exporting")?;
        customers::export_all_tracked(s.context(), s.session(), &query, format, &path, &mut |done, total| {
            job.proceed(done, total)
        })
        .map_err(ApiError::from)
    }
}

command! {
    /// The certification counts (R12, R13) for a calendar year.
    fn customers_counts(year: i32) -> CountsView;
    |s| customers::counts(s.context(), s.session(), year)
}

command! {
    /// Customers past record retention (R10).
    fn retention_list() -> RetentionView;
    |s| retention::retention_list(s.context(), s.session())
}

command! {
    /// Purge customers past retention (officers, confirmed by passphrase); all or none.
    fn retention_purge(customer_refs: Vec<String>, passphrase: String) -> usize;
    |s| retention::retention_purge(s.context(), s.session(), &customer_refs, &passphrase)
}

command! {
    /// Close an account; its retention clock (R10) starts.
    fn account_close(request: CloseAccount) -> ();
    |s| retention::account_close(s.context(), s.session(), &request)
}

command! {
    /// Export one customer's file: a PDF where the user chooses and the JSON beside it (same
    /// name, `.json`). Returns the PDF's path; null when cancelled.
    fn customer_export(customer_ref: String) -> Option<String>;
    dialog Dialog::save("Export the customer's file (PDF + JSON)", format!("customer-{customer_ref}.pdf"))
        .filter("PDF", &["pdf"]);
    |s, path| {
        let json = path.with_extension("json");
        rv::customer_export(s.context(), s.session(), &customer_ref, &path, &json).map(|()| path.display().to_string())
    }
}
