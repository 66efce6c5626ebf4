// The namespaces nearly every verb in Commands/ uses, imported once (Bench/ keeps its own: bench/ projects link those files).
global using System.CommandLine;
global using System.Globalization;
global using System.Text.Json.Nodes;
global using Spectre.Console;
global using Theta.Data;
global using Theta.Explain;
global using Theta.Io;
global using Theta.Metrics;
global using Theta.Plots;
global using Theta.Training;
global using Theta.Tabular;
