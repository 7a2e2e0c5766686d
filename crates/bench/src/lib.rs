//! Inputs shared by the benchmarks in `benches/` (`cargo bench -p dg_bench`).

/// A syntactically valid script of about `bytes` bytes, shaped like real CRM code (maps,
/// calls, conditions, task blocks), for measuring `dg check` throughput on large files.
pub fn large_script(bytes: usize) -> String {
    let unit = "resp = zoho.crm.getRecordById(\"Deals\", dealId);\n\
                if(resp.get(\"Stage\") == \"Closed Won\" && resp.get(\"Amount\") > 1000)\n{\n\
                \tupdate = Map();\n\tupdate.put(\"Description\", \"Big win: \" + resp.get(\"Deal_Name\"));\n\
                \tr = invokeurl\n\t[\n\t\turl :\"https://www.zohoapis.com/crm/v7/Deals\"\n\t\ttype :PUT\n\
                \t\tparameters:update.toString()\n\t\tconnection:\"crm\"\n\t];\n}\n\
                total = total + ifnull(resp.get(\"Amount\"), 0) * 2 - 1;\n";
    let mut out = String::with_capacity(bytes + unit.len());
    out.push_str("dealId = 1;\ntotal = 0;\n");
    while out.len() < bytes {
        out.push_str(unit);
    }
    out
}
