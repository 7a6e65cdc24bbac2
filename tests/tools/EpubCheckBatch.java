import com.adobe.epubcheck.tool.EpubChecker;

/** EPUBCheck on many files in one Java process: arguments are pairs of an EPUB and its JSON report. */
public class EpubCheckBatch {
    public static void main(String[] args) {
        for (int i = 0; i + 1 < args.length; i += 2) {
            new EpubChecker().run(new String[] {args[i], "-u", "--json", args[i + 1]});
        }
    }
}
