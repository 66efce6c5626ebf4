using Microsoft.Extensions.Hosting;
using Theta.Web;

namespace Theta.Cli.Commands;

/// <summary><c>theta serve [--urls http://127.0.0.1:5000] [--max-sessions 8]</c>: the live demos in a browser; Ctrl+C stops it.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var urls = new Option<string>("--urls") { Description = "Where to listen, ';'-separated (loopback by default; http://0.0.0.0:5000 opens it to the network).", DefaultValueFactory = _ => "http://127.0.0.1:5000" };
        var maxSessions = new Option<int>("--max-sessions") { Description = "At most this many demo sessions (browser pages) at once.", DefaultValueFactory = _ => 8 };
        var model = new Option<string?>("--model") { Description = "The network file the digit recogniser starts with (default: the bundled MNIST CNN, 99.43 %)." };
        var cmd = new Command("serve", "Serve the live demos: an index page, the digit recogniser (draw a digit, watch every layer of a CNN) and the 2-D playground (train a small network on toy data, watch every unit).")
            { urls, maxSessions, model };
        cmd.SetAction(p =>
        {
            var options = new ThetaServerOptions(p.GetValue(urls)!, p.GetValue(maxSessions), modelPath: p.GetValue(model));
            var app = ThetaServer.Build(options);
            app.Start();
            foreach (var a in ThetaServer.Addresses(app)) Console.WriteLine($"theta serve: open {a}/ (digit recogniser: {a}/digits.html); Ctrl+C stops");
            app.WaitForShutdown();
            return 0;
        });
        return cmd;
    }
}
