-- Opens the current buffer with `dg lsp` (DG_BIN) attached and prints the diagnostics it
-- publishes, one per line: LINE:COL CODE MESSAGE. Works with Neovim 0.7 and later.
local bin = os.getenv("DG_BIN")
local client = vim.lsp.start_client({ name = "dg", cmd = { bin, "lsp" }, root_dir = vim.fn.getcwd() })
vim.lsp.buf_attach_client(0, client)
vim.wait(15000, function() return #vim.diagnostic.get(0) > 0 end, 50)
for _, d in ipairs(vim.diagnostic.get(0)) do
  io.stdout:write(string.format("%d:%d %s %s\n", d.lnum + 1, d.col + 1, tostring(d.code), d.message))
end
io.stdout:flush()
vim.cmd("qa!")
